import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'

export type Db = Database.Database

/** The database file cannot be used; the message names the file and what to check. */
export class DatabaseOpenError extends Error {}

/**
 * Opens (creating if needed) the SQLite file with the pragmas the app relies on, and proves
 * it is writable now (BEGIN IMMEDIATE takes the write lock): a read-only file or folder is a
 * start-up error naming the path, not a 500 on the first assign.
 */
export function openDatabase (path: string): Db {
  let db: Db | undefined
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    db = new Database(path)
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    db.pragma('synchronous = NORMAL')
    db.exec('BEGIN IMMEDIATE; ROLLBACK')
    return db
  } catch (err) {
    db?.close()
    const where = path === ':memory:' ? path : resolve(path)
    throw new DatabaseOpenError(`database.path ${where}: ${(err as Error).message}; momoshtrem must be able to write this file and its folder (check owner and permissions)`, { cause: err })
  }
}
