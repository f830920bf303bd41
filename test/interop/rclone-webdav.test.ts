// rclone (the WebDAV client behind Plex/Jellyfin mounts) against the WebDAV server:
// a recursive listing with exact sizes, and ranged reads via `rclone cat --offset --count`.
// Skips when rclone is not installed (apt-get install rclone).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDav } from '../helpers/dav.ts'
import { assignment, at, fileBytes, memoryReader, sampleLibrary } from '../helpers/vfs-fixtures.ts'
import { startApp, tempDir } from '../helpers/app.ts'

const hasRclone = spawnSync('rclone', ['version'], { timeout: 10_000 }).status === 0

async function rclone (args: string[], configFile: string): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    execFile('rclone', ['--config', configFile, '--low-level-retries', '1', '--retries', '1', ...args],
      { encoding: 'buffer', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => { if (err !== null) reject(new Error(`rclone ${args.join(' ')}: ${err.message}\n${stderr.toString()}`)); else resolve(stdout) })
  })
}

interface LsEntry { Path: string, Name: string, Size: number, IsDir: boolean, ModTime: string }

test('rclone lists the tree and reads byte ranges', { skip: hasRclone ? false : 'rclone is not installed' }, async (t) => {
  const src = sampleLibrary()
  src.moviesList.push({ id: 9, title: "100% Wolf & [Friends]'s #1?", year: 2020, createdAt: at(9), assignment: assignment(19, 'wolf.webm', 777_777, 3) })
  const { url } = await startDav(t, src, async (a) => memoryReader(fileBytes(a.fileSize)))
  const config = join(tempDir(t), 'rclone.conf')
  writeFileSync(config, '')
  const remote = ['--webdav-url', `${url}/dav`]

  const out = await rclone(['lsjson', '-R', ':webdav:', ...remote], config)
  const entries = JSON.parse(out.toString('utf8')) as LsEntry[]
  const seen = Object.fromEntries(entries.map((e) => [e.Path, e.IsDir ? 'dir' : e.Size]))
  assert.deepEqual(seen, {
    Movies: 'dir',
    'TV Shows': 'dir',
    'Movies/100% Wolf & [Friends]\'s #1 (2020)': 'dir',
    'Movies/100% Wolf & [Friends]\'s #1 (2020)/100% Wolf & [Friends]\'s #1 (2020).webm': 777_777,
    'Movies/Amélie - Le Fabuleux (2001)': 'dir',
    'Movies/Amélie - Le Fabuleux (2001)/Amélie - Le Fabuleux (2001).mp4': 1234,
    'Movies/Fight Club (1999)': 'dir',
    'Movies/Fight Club (1999)/Fight Club (1999).mkv': 3_000_001,
    'Movies/Unassigned': 'dir',
    'TV Shows/Breaking Bad (2008)': 'dir',
    'TV Shows/Breaking Bad (2008)/Season 00': 'dir',
    'TV Shows/Breaking Bad (2008)/Season 00/Breaking Bad (2008) - S00E01 - Good Cop - Bad Cop.avi': 500,
    'TV Shows/Breaking Bad (2008)/Season 01': 'dir',
    'TV Shows/Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Pilot.mkv': 70_000,
    'TV Shows/Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02.srt': 900,
    'TV Shows/Breaking Bad (2008)/Season 02': 'dir',
    'TV Shows/Empty Show': 'dir'
  })
  // modification times are the stable assignment times
  const fc = entries.find((e) => e.Name === 'Fight Club (1999).mkv')!
  assert.equal(Date.parse(fc.ModTime), at(111).getTime())

  const cases: Array<[string, number, number, number]> = [
    ['Movies/Fight Club (1999)/Fight Club (1999).mkv', 3_000_001, 1_234_567, 300_000],
    ['Movies/Fight Club (1999)/Fight Club (1999).mkv', 3_000_001, 2_999_990, 100],
    ['Movies/100% Wolf & [Friends]\'s #1 (2020)/100% Wolf & [Friends]\'s #1 (2020).webm', 777_777, 5, 10],
    ['TV Shows/Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Pilot.mkv', 70_000, 0, 70_000]
  ]
  for (const [path, size, offset, count] of cases) {
    const bytes = await rclone(['cat', `:webdav:${path}`, ...remote, '--offset', String(offset), '--count', String(count)], config)
    assert.ok(bytes.equals(fileBytes(size).subarray(offset, offset + count)), `${path} @${offset}+${count}: got ${bytes.length} bytes`)
  }
  // and a whole small file
  const whole = await rclone(['cat', ':webdav:TV Shows/Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02.srt', ...remote], config)
  assert.ok(whole.equals(fileBytes(900)))
})

test('rclone with Basic auth against the real app (OPTIONS exempt, PROPFIND needs credentials)', { skip: hasRclone ? false : 'rclone is not installed' }, async (t) => {
  const { url } = await startApp(t, { auth: { username: 'user', password: 'secret pass' } })
  const config = join(tempDir(t), 'rclone.conf')
  writeFileSync(config, '')
  const obscured = (await rclone(['obscure', 'secret pass'], config)).toString('utf8').trim()
  const remote = ['--webdav-url', `${url}/dav`, '--webdav-user', 'user', '--webdav-pass', obscured]
  const entries = JSON.parse((await rclone(['lsjson', '-R', ':webdav:', ...remote], config)).toString('utf8')) as LsEntry[]
  assert.deepEqual(entries.map((e) => [e.Path, e.IsDir]), [['Movies', true], ['TV Shows', true]])
  await assert.rejects(rclone(['lsjson', ':webdav:', '--webdav-url', `${url}/dav`], config), /401|Unauthorized|credentials/i)
})
