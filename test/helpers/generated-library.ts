// A large library written straight into SQLite (no TMDB, no torrents), for the web UI's scale
// test and bench: `count` movies, every third with a long title (cards of one and two lines),
// every second with a poster path (answered with the server's placeholder without TMDB), 70 %
// assigned to a made-up torrent file; created a minute apart so "newest first" has an order.
import { openDatabase } from '../../src/db/open.ts'
import { migrate } from '../../src/db/migrate.ts'

export function writeGeneratedMovies (path: string, count: number): void {
  const db = openDatabase(path)
  migrate(db)
  const ins = db.prepare('INSERT INTO movies (title, year, poster_path, created_at) VALUES (?, ?, ?, ?)')
  const assign = db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, is_active, created_at)
    VALUES ('movie', ?, ?, ?, ?, 0, ?, 1, ?)`)
  db.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const stamp = new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString()
      const title = i % 3 === 0 ? `Movie ${i}: The Sequel to the Sequel, Extended Edition` : `Movie ${i}`
      const id = Number(ins.run(title, 1950 + (i % 70), i % 2 === 0 ? `/poster${i}.jpg` : null, stamp).lastInsertRowid)
      if (i % 10 < 7) {
        const h = i.toString(16).padStart(8, '0').repeat(5)
        assign.run(id, h, `magnet:?xt=urn:btih:${h}`, `Movie.${i}/Movie.${i}.mkv`, 1_000_000_000 + i, stamp)
      }
    }
  })()
  db.close()
}
