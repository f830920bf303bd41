// Interop: Transmission 3.00 (Debian transmission-cli) is the only seeder, found through the
// local tracker. (Transmission seeds to loopback peers; it does not download from them.)
import { test } from 'node:test'
import { missingBinary, startTransmissionSeeder } from '../helpers/clients.ts'
import { interopMultiFile, interopSingleFile } from '../helpers/interop.ts'

const skip = missingBinary('transmission-cli')

test('transmission seeder: metadata and reads of a multi-file torrent (nested, non-ASCII, small files)', { skip, timeout: 180_000 }, async (t) => {
  // Transmission 3.00 does not find files whose names contain ':' or '?' on disk (the pieces
  // covering them fail its verification), so this fixture replaces those characters.
  await interopMultiFile(t, startTransmissionSeeder, { weirdNames: false })
})

test('transmission seeder: concurrent random and sequential reads of a 16 MiB file', { skip, timeout: 180_000 }, async (t) => {
  await interopSingleFile(t, startTransmissionSeeder)
})

test('transmission seeder requiring encryption, engine encryption allow', { skip, timeout: 180_000 }, async (t) => {
  await interopMultiFile(t, async (t2, torrent, fx, work) => await startTransmissionSeeder(t2, torrent, fx, work, 2), { weirdNames: false, engine: { encryption: 'allow' } })
})
