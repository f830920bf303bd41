// Interop: aria2 (Debian aria2c) is the only seeder, found through the local tracker.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { missingBinary, startAria2Seeder } from '../helpers/clients.ts'
import { interopMultiFile, interopSingleFile, interopUnusable } from '../helpers/interop.ts'

const skip = missingBinary('aria2c')
const aria2Encrypted: typeof startAria2Seeder = async (t, torrent, fx, work) =>
  await startAria2Seeder(t, torrent, fx, work, ['--bt-require-crypto=true', '--bt-min-crypto-level=arc4'])

test('aria2 seeder: metadata and reads of a multi-file torrent (nested, non-ASCII, small files)', { skip, timeout: 180_000 }, async (t) => {
  await interopMultiFile(t, startAria2Seeder)
})

test('aria2 seeder: concurrent random and sequential reads of a 16 MiB file', { skip, timeout: 180_000 }, async (t) => {
  await interopSingleFile(t, startAria2Seeder)
})

test('aria2 seeder requiring RC4 encryption (MSE/PE), engine encryption allow', { skip, timeout: 180_000 }, async (t) => {
  await interopMultiFile(t, aria2Encrypted, { engine: { encryption: 'allow' } })
})

test('aria2 seeder (plaintext allowed), engine encryption require: the engine offers RC4 only', { skip, timeout: 180_000 }, async (t) => {
  const debugAria2: typeof startAria2Seeder = async (t2, torrent, fx, work) => await startAria2Seeder(t2, torrent, fx, work, ['--log-level=debug'])
  const client = await interopMultiFile(t, debugAria2, { engine: { encryption: 'require' } })
  // aria2's debug log shows, per connection (CUID), what the incoming peer offered in its MSE handshake
  const log = readFileSync(client.logFile!, 'utf8').split('\n')
  const ours = new Set(log.filter((l) => l.includes('client=momoshtrem')).map((l) => /CUID#\d+/.exec(l)?.[0]).filter((c): c is string => c !== undefined))
  assert.ok(ours.size > 0, 'no connection from the engine in the aria2 log')
  for (const cuid of ours) {
    const lines = log.filter((l) => l.includes(`${cuid} `))
    assert.ok(!lines.some((l) => l.includes('peer provides plaintext')), `${cuid}: the engine offered plaintext with encryption: require`)
    const mse = lines.some((l) => l.includes('MSEHandshake'))
    assert.ok(mse, `${cuid}: the engine's connection did not use the MSE/PE handshake`)
  }
  assert.ok(log.some((l) => [...ours].some((c) => l.includes(`${c} - peer provides ARC4`))), 'aria2 never saw the engine offer ARC4')
})

test('aria2 seeder requiring encryption, engine encryption disable: no transfer (add_timeout)', { skip, timeout: 60_000 }, async (t) => {
  await interopUnusable(t, aria2Encrypted, { encryption: 'disable' })
})
