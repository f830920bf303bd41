// The built server as `npm start` runs it: bin/momoshtrem.js compiling dist/server/main.cjs
// (one esbuild bundle with its lazy built-ins, tracker client stand-in and fetch stand-in)
// with V8's code cache. Every other test runs the TypeScript sources, so this one covers
// what only the bundle does: the API, its reference page, /metrics, WebDAV and a real
// torrent read byte for byte through the bundled engine, a clean stop on SIGTERM, and the
// code cache kept when it fits and written again when it belongs to another build.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '../helpers/app.ts'
import { apiClient } from '../helpers/api-client.ts'
import { KiB, writeFixture } from '../helpers/fixtures.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { withTimeout } from '../helpers/wait.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const bin = join(root, 'bin/momoshtrem.js')
const cacheFile = join(root, 'dist/server/main.cjs.cache')

interface Running { url: string, stop: () => Promise<number | null> }

/** `node bin/momoshtrem.js serve --config FILE` on port 0; its URL from the "serving" log line. */
async function startBuilt (t: TestContext, dir: string): Promise<Running> {
  mkdirSync(dir, { recursive: true })
  const config = join(dir, 'config.yaml')
  writeFileSync(config, [
    'server: { host: 127.0.0.1, port: 0 }',
    `database: { path: ${JSON.stringify(join(dir, 'library.db'))} }`,
    `torrent: { metadata_folder: ${JSON.stringify(join(dir, 'torrents'))}, cache_folder: ${JSON.stringify(join(dir, 'cache'))}, listen_port: 0, dht: false, lsd: false, pex: false, start_paused: false, add_timeout: 30 }`,
    `subtitles: { folder: ${JSON.stringify(join(dir, 'subtitles'))} }`,
    'logging: { level: info }'
  ].join('\n'))
  const child = spawn(process.execPath, [bin, 'serve', '--config', config], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code) }) })
  t.after(() => { child.kill('SIGKILL') })
  const url = await withTimeout((async () => {
    for (;;) {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out)
      if (m !== null) return m[1]!
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${out}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })(), 30_000, 'the built server says where it serves')
  return {
    url,
    stop: async () => { child.kill('SIGTERM'); return await withTimeout(exited, 20_000, 'the built server exits after SIGTERM') }
  }
}

test('the built server: API, reference page, metrics, WebDAV and a torrent read; its code cache', { timeout: 180_000 }, async (t) => {
  assert.ok(existsSync(join(root, 'dist/server/main.cjs')), 'npm run build made dist/server/main.cjs (npm test builds first)')
  const dir = tempDir(t)
  const fixture = writeFixture(dir, { name: 'Built.Server.2001.mkv', seed: 'built', files: [{ path: 'Built.Server.2001.mkv', length: 300 * KiB }] })
  const seeder = await startSeeder(t, { path: join(fixture.root), pieceLength: 16 * KiB })

  // a cache of another build is not used: the server starts, and leaves a fitting one behind
  writeFileSync(cacheFile, 'not a code cache of this build\n')
  const server = await startBuilt(t, join(dir, 'a'))
  const api = apiClient(server.url)
  assert.equal((await api.get('/api/status')).status, 200)

  const docs = await fetch(`${server.url}/api/docs/`)
  assert.equal(docs.status, 200)
  assert.match(await docs.text(), /<div id="swagger-ui">/)
  const asset = await fetch(`${server.url}/api/docs/static/swagger-ui-bundle.js`)
  assert.equal(asset.status, 200)
  assert.ok((await asset.arrayBuffer()).byteLength > 100_000, 'the page script is served whole')
  const unknown = await api.get('/api/docs/no-such-file')
  assert.equal(unknown.status, 404)
  assert.equal(unknown.body.error.code, 'not_found', 'a page asset that does not exist answers in the API error format')
  assert.equal((await fetch(`${server.url}/api/openapi.json`)).status, 200)
  const metrics = await fetch(`${server.url}/metrics`)
  assert.equal(metrics.status, 200)
  assert.match(await metrics.text(), /^process_cpu_seconds_total /m)

  const movie = (await api.post('/api/movies', { title: 'Built Server', year: 2001 })).body as { id: number }
  const assigned = await api.post(`/api/movies/${movie.id}/assign`, { magnet_uri: seeder.magnet, file_path: 'Built.Server.2001.mkv' })
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body))
  const listing = await fetch(`${server.url}/dav/Movies/`, { method: 'PROPFIND', headers: { Depth: '1' } })
  assert.equal(listing.status, 207)
  const folder = [...(await listing.text()).matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]!).find((h) => h.includes('Built%20Server'))
  assert.ok(folder !== undefined, 'the movie has a folder under /dav/Movies/')
  const files = await (await fetch(new URL(folder, server.url), { method: 'PROPFIND', headers: { Depth: '1' } })).text()
  const video = [...files.matchAll(/<D:href>([^<]+\.mkv)<\/D:href>/g)].map((m) => m[1]!)[0]
  assert.ok(video !== undefined, 'the assigned video is listed')
  const read = await fetch(new URL(video, server.url), { signal: AbortSignal.timeout(60_000) })
  assert.equal(read.status, 200)
  assert.ok(Buffer.from(await read.arrayBuffer()).equals(readFileSync(fixture.files[0]!.absPath)), 'the file read through the bundle is the seeded file, byte for byte')

  assert.equal(await server.stop(), 0, 'SIGTERM stops the server cleanly')
  const written = readFileSync(cacheFile)
  const stamp = written.subarray(0, written.indexOf(10) + 1).toString()
  assert.match(stamp, new RegExp(`^\\d+ [\\d.]+ ${process.version.replace(/\./g, '\\.')} ${process.arch}\\n$`), 'the cache names its build and Node')
  assert.ok(written.length > 100_000, 'and holds V8 code')

  // a fitting cache is used and kept as it is
  const again = await startBuilt(t, join(dir, 'b'))
  assert.equal((await apiClient(again.url).get('/api/status')).status, 200)
  assert.equal(await again.stop(), 0)
  assert.ok(readFileSync(cacheFile).equals(written), 'a cache that fits is not rewritten')
})
