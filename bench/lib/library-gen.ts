// A generated library written straight into a SQLite file (one transaction): movies, shows x
// seasons x episodes, 70 % assigned to fake torrents (nothing streams; listing only reads
// rows). Titles repeat now and then, so some names collide and get " (2)".
import { createHash } from 'node:crypto'
import { openDatabase, type Db } from '../../src/db/open.ts'
import { migrate } from '../../src/db/migrate.ts'

export const SEASONS = 2
export const EPISODES = 15
export const ASSIGNED = 0.7

export const hash = (s: string): string => createHash('sha1').update(s).digest('hex')

export function generateLibrary (path: string, movies: number, shows: number): void {
  const db = openDatabase(path)
  migrate(db)
  const stamp = (i: number): string => new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString()
  const insMovie = db.prepare('INSERT INTO movies (title, year, created_at) VALUES (?, ?, ?)')
  const insShow = db.prepare('INSERT INTO shows (title, year, created_at) VALUES (?, ?, ?)')
  const insSeason = db.prepare('INSERT INTO seasons (show_id, season_number, created_at) VALUES (?, ?, ?)')
  const insEpisode = db.prepare('INSERT INTO episodes (season_id, episode_number, name, created_at) VALUES (?, ?, ?, ?)')
  const insAssignment = db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, is_active, created_at)
    VALUES (?, ?, ?, ?, ?, 0, ?, 1, ?)`)
  const assign = (itemType: 'movie' | 'episode', itemId: number, filePath: string, at: string): void => {
    const h = hash(`${itemType}:${itemId}:${at}`)
    insAssignment.run(itemType, itemId, h, `magnet:?xt=urn:btih:${h}`, filePath, 1_000_000_000 + itemId, at)
  }
  let n = 0
  db.transaction(() => {
    for (let i = 1; i <= movies; i++) {
      const id = Number(insMovie.run(`Movie ${i % 997 === 0 ? 'Again' : i}: The Sequel`, 1950 + (i % 70), stamp(n++)).lastInsertRowid)
      if (i % 10 < ASSIGNED * 10) assign('movie', id, `Movie.${i}.1080p/Movie.${i}.mkv`, stamp(n++))
    }
    for (let s = 1; s <= shows; s++) {
      const showId = Number(insShow.run(`Show ${s}`, 1990 + (s % 30), stamp(n++)).lastInsertRowid)
      for (let se = 1; se <= SEASONS; se++) {
        const seasonId = Number(insSeason.run(showId, se, stamp(n++)).lastInsertRowid)
        for (let e = 1; e <= EPISODES; e++) {
          const epId = Number(insEpisode.run(seasonId, e, `Episode ${e}`, stamp(n++)).lastInsertRowid)
          if (e % 10 < ASSIGNED * 10) assign('episode', epId, `Show.${s}.S${se}/E${e}.mkv`, stamp(n++))
        }
      }
    }
  })()
  db.close()
}

