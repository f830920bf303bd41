import { existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'

export type Db = Database.Database

/**
 * better-sqlite3's addon where npm builds it. Named up front because the package otherwise
 * finds it through the `bindings` package, which probes a dozen paths and package.json files:
 * a tenth of a start. Unset (the package searches) when it was built elsewhere.
 */
const nativeBinding: string | undefined = (() => {
  try {
    const path = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node')
    return existsSync(path) ? path : undefined
  } catch { return undefined }
})()

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
    db = new Database(path, nativeBinding === undefined ? {} : { nativeBinding })
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
