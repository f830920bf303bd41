// Real players' HTTP behaviour against the WebDAV GET path: ffprobe reads the container
// index, ffmpeg seeks with open-ended ranges (`bytes=N-`) and hangs up early. Uses a real
// MKV and MP4 made by ffmpeg; skipped when ffmpeg is not installed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startDav } from '../helpers/dav.ts'
import { FakeTreeSource, assignment, at, memoryReader, type ReaderLog } from '../helpers/vfs-fixtures.ts'
import { tempDir } from '../helpers/app.ts'

const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { timeout: 10_000 }).status === 0 &&
  spawnSync('ffprobe', ['-version'], { timeout: 10_000 }).status === 0
const skip = hasFfmpeg ? false : 'ffmpeg/ffprobe are not installed (apt-get install ffmpeg)'

async function run (cmd: string, args: string[]): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)); else resolve(stdout)
    })
  })
}

async function makeVideo (dir: string, ext: 'mkv' | 'mp4'): Promise<Buffer> {
  const out = join(dir, `clip.${ext}`)
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-vf', 'noise=alls=30:allf=t', '-t', '8',
    '-c:v', 'mpeg4', '-q:v', '2', '-g', '25', '-y', out])
  return readFileSync(out)
}

for (const ext of ['mkv', 'mp4'] as const) {
  test(`ffprobe and a seeking ffmpeg read a real ${ext} over /dav`, { skip }, async (t) => {
    const data = await makeVideo(tempDir(t), ext)
    const src = new FakeTreeSource([{ id: 1, title: 'Clip', year: 2020, createdAt: at(0), assignment: assignment(1, `clip.${ext}`, data.length) }])
    const log: ReaderLog = { reads: [], aborted: 0, closed: 0 }
    let opened = 0
    const { url } = await startDav(t, src, async () => { opened++; return memoryReader(data, { log }) })
    const fileUrl = `${url}/dav/Movies/Clip%20%282020%29/Clip%20%282020%29.${ext}`

    const probe = JSON.parse(await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', fileUrl])) as {
      format: { duration: string, size: string }, streams: Array<{ codec_type: string, width: number }>
    }
    assert.ok(Math.abs(Number(probe.format.duration) - 8) < 0.5, `duration ${probe.format.duration}`)
    assert.equal(Number(probe.format.size), data.length)
    assert.equal(probe.streams[0]?.width, 640)

    // seek to 5 s, decode 1 s, hang up
    await run('ffmpeg', ['-v', 'error', '-ss', '5', '-i', fileUrl, '-t', '1', '-f', 'null', '-'])
    await sleep(200)
    assert.equal(log.closed, opened, 'every reader opened was closed again')
    // ffmpeg hangs up once it has its second: the reads stop too (the file is never read whole)
    const readBytes = log.reads.reduce((n, r) => n + r.length, 0)
    assert.ok(readBytes < data.length * 0.8, `read ${readBytes} bytes for a ${data.length}-byte file`)
  })
}
