// A database file the server cannot write is a start-up error that names the file, in the
// real process path (src/main.ts), not a 500 on the first write.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../../src/db/open.ts'
import { migrate } from '../../src/db/migrate.ts'
import { tempDir } from '../helpers/app.ts'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
// root ignores file modes, so as root the server runs as nobody to meet the read-only file
const NOBODY = 65534
const asRoot = process.getuid?.() === 0

test('a read-only database file stops start-up with a message naming its path', { timeout: 60_000 }, (t) => {
  const dir = tempDir(t)
  const dbPath = join(dir, 'lib.db')
  const db = openDatabase(dbPath)
  migrate(db)
  db.close()
  writeFileSync(join(dir, 'config.yaml'), [
    'server: { port: 0 }',
    `database: { path: ${JSON.stringify(dbPath)} }`,
    `torrent: { metadata_folder: ${JSON.stringify(join(dir, 'torrents'))}, cache_folder: ${JSON.stringify(join(dir, 'cache'))}, dht: false }`,
    'logging: { level: silent }'
  ].join('\n'))
  chmodSync(dbPath, 0o444)
  chmodSync(dir, 0o555)
  if (asRoot) chownSync(dir, 0, 0)
  let r
  try {
    r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', '--config', join(dir, 'config.yaml')], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 30_000,
      ...(asRoot ? { uid: NOBODY, gid: NOBODY, env: { ...process.env, HOME: '/tmp' } } : {})
    })
  } finally {
    chmodSync(dir, 0o755) // the temp folder's cleanup must be able to remove it
  }
  assert.notEqual(r.status, 0, `the server started on a read-only database: ${r.stdout}`)
  assert.match(r.stderr, new RegExp(`database\\.path ${dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*readonly`))
  assert.match(r.stderr, /permissions/)
})
