// Versioned migrations: migrations/NNN-name.sql, applied in order, each in its own
// transaction, recorded in schema_migrations. A database newer than this code is refused.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packagePath } from '../package-root.ts'
import type { Db } from './open.ts'

const dir = packagePath('src', 'db', 'migrations')

export interface Migration { version: number, name: string, sql: string }

export function listMigrations (): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(join(dir, f), 'utf8') }))
}

/** Applies pending migrations; returns the versions applied. */
export function migrate (db: Db, migrations = listMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0
  const latest = migrations.at(-1)?.version ?? 0
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this momoshtrem (${latest}); upgrade momoshtrem`)
  }
  const applied: number[] = []
  for (const m of migrations) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(m.version, m.name, new Date().toISOString())
    })()
    applied.push(m.version)
  }
  return applied
}
