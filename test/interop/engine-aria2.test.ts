// Interop: aria2 (Debian aria2c) is the only seeder, found through the local tracker.
import { test } from 'node:test'
import { missingBinary, startAria2Seeder } from '../helpers/clients.ts'
import { interopMultiFile, interopSingleFile } from '../helpers/interop.ts'

const skip = missingBinary('aria2c')

test('aria2 seeder: metadata and reads of a multi-file torrent (nested, non-ASCII, small files)', { skip, timeout: 180_000 }, async (t) => {
  await interopMultiFile(t, startAria2Seeder)
})

test('aria2 seeder: concurrent random and sequential reads of a 16 MiB file', { skip, timeout: 180_000 }, async (t) => {
  await interopSingleFile(t, startAria2Seeder)
})
