// Row counts for /api/status: one query, cheap enough to run on every health probe.
import type { Db } from '../db/open.ts'
import type { LibraryCounts } from './types.ts'

export class StatsRepository {
  private readonly stmt
  constructor (db: Db) {
    this.stmt = db.prepare(`SELECT
      (SELECT COUNT(*) FROM movies) AS movies,
      (SELECT COUNT(*) FROM shows) AS shows,
      (SELECT COUNT(*) FROM seasons) AS seasons,
      (SELECT COUNT(*) FROM episodes) AS episodes,
      (SELECT COUNT(*) FROM torrent_assignments WHERE is_active = 1) AS active_assignments`)
  }

  counts (): LibraryCounts {
    return this.stmt.get() as LibraryCounts
  }
}
