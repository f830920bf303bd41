// GET /api/images/:size/:file end to end: the real app against the fake TMDB, which is its own
// image CDN (/configuration points at it). Images are fetched once, cached on disk beside the
// database, and survive a restart; anything upstream that goes wrong answers the placeholder.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { startApp, type TestApp } from '../helpers/app.ts'
import { fakeImage, startFakeTmdb, type FakeTmdb } from '../helpers/fake-tmdb.ts'
import type { DeepPartial } from '../../src/config/load.ts'
import type { Config } from '../../src/config/schema.ts'

async function setup (t: TestContext, tmdbOverrides: DeepPartial<Config['tmdb']> = {}): Promise<{ app: TestApp, tmdb: FakeTmdb }> {
  const tmdb = await startFakeTmdb(t)
  const app = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey, ...tmdbOverrides } })
  return { app, tmdb }
}

async function image (base: string, path: string): Promise<{ status: number, headers: Headers, body: Buffer }> {
  const res = await fetch(base + path, { signal: AbortSignal.timeout(15_000) })
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }
}

const imageRequests = (tmdb: FakeTmdb, path?: string): number => tmdb.requests.filter((r) => path === undefined ? r.path.startsWith('/t/p/') : r.path === path).length

function assertPlaceholder (r: { status: number, headers: Headers, body: Buffer }, what: string): void {
  assert.equal(r.status, 200, what)
  assert.equal(r.headers.get('content-type'), 'image/svg+xml', what)
  assert.equal(r.headers.get('cache-control'), 'no-cache', what)
  assert.equal(r.headers.get('x-image-placeholder'), '1', what)
  assert.match(r.body.toString('utf8'), /^<svg /, what)
}

test('an image is fetched once however many ask, cached on disk, and served after a restart without TMDB', async (t) => {
  const { app, tmdb } = await setup(t)
  const [a, b, c] = await Promise.all([1, 2, 3].map(async () => await image(app.url, '/api/images/w342/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg')))
  const expected = fakeImage('w342', 'pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg').body
  for (const r of [a!, b!, c!]) {
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('content-type'), 'image/jpeg')
    assert.equal(r.headers.get('cache-control'), 'public, max-age=604800, immutable')
    assert.equal(r.headers.get('x-image-placeholder'), null)
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff')
    assert.ok(r.body.equals(expected), 'the bytes TMDB served')
  }
  assert.equal(imageRequests(tmdb, '/t/p/w342/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg'), 1, 'three concurrent requests, one fetch')
  assert.equal(tmdb.requests.filter((r) => r.path === '/configuration').length, 1)
  assert.equal(tmdb.requests.find((r) => r.path === '/configuration')?.query.api_key, tmdb.apiKey)

  // beside the database, whole (written to a temp file, then renamed)
  const folder = join(app.dataDir, 'images', 'w342')
  assert.ok(readFileSync(join(folder, 'pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg')).equals(expected))
  assert.deepEqual(readdirSync(folder), ['pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg'], 'no temp file left')

  // another size is another image; a PNG is served as one
  const png = await image(app.url, '/api/images/original/hZkgoQYus5vegHoetLkCJzb17zJ.png')
  assert.equal(png.headers.get('content-type'), 'image/png')
  assert.ok(png.body.equals(fakeImage('original', 'hZkgoQYus5vegHoetLkCJzb17zJ.png').body))
  assert.equal(png.body.subarray(1, 4).toString('latin1'), 'PNG')

  // the same data folder after a restart, with TMDB gone: still served, from the disk
  await app.close()
  await tmdb.close()
  const again = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey, timeout: 1 } }, app.dataDir)
  const cached = await image(again.url, '/api/images/w342/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg')
  assert.equal(cached.status, 200)
  assert.equal(cached.headers.get('cache-control'), 'public, max-age=604800, immutable')
  assert.ok(cached.body.equals(expected))
  // an image never fetched: TMDB is unreachable, the placeholder is served
  assertPlaceholder(await image(again.url, '/api/images/w342/neverFetched.jpg'), 'TMDB unreachable')
})

test('TMDB failing, slow or answering errors: the placeholder, never cached; the image once TMDB recovers', async (t) => {
  const { app, tmdb } = await setup(t, { timeout: 0.3, max_retries: 0 })
  const path = '/api/images/w185/abc_DEF-123.jpg'

  tmdb.failNext(1, { status: 404, path: /^\/t\/p\// })
  assertPlaceholder(await image(app.url, path), 'image 404')
  tmdb.failNext(1, { status: 500, path: /^\/t\/p\// })
  assertPlaceholder(await image(app.url, path), 'image 500')
  assert.equal(imageRequests(tmdb), 2, 'each failure was a fetch: nothing cached')

  tmdb.delayNext(1, 3000)
  const started = Date.now()
  assertPlaceholder(await image(app.url, path), 'slow image')
  assert.ok(Date.now() - started < 2500, 'the wait is bounded by tmdb.timeout')

  // the image fetch that timed out made the server ask /configuration again, then it works
  const configs = tmdb.requests.filter((r) => r.path === '/configuration').length
  const ok = await image(app.url, path)
  assert.equal(ok.status, 200)
  assert.equal(ok.headers.get('x-image-placeholder'), null)
  assert.ok(ok.body.equals(fakeImage('w185', 'abc_DEF-123.jpg').body))
  assert.equal(tmdb.requests.filter((r) => r.path === '/configuration').length, configs + 1)
  assert.ok(existsSync(join(app.dataDir, 'images', 'w185', 'abc_DEF-123.jpg')))
})

test('/configuration failing: the placeholder, and TMDB is not asked again for every image', async (t) => {
  const { app, tmdb } = await setup(t, { max_retries: 0 })
  tmdb.failNext(1, { status: 401, path: /^\/configuration$/ })
  assertPlaceholder(await image(app.url, '/api/images/w92/one.jpg'), 'configuration refused')
  assertPlaceholder(await image(app.url, '/api/images/w92/two.jpg'), 'shortly after')
  assert.equal(tmdb.requests.filter((r) => r.path === '/configuration').length, 1)
  assert.equal(imageRequests(tmdb), 0)
})

test('without a TMDB key every image is the placeholder and TMDB is never asked', async (t) => {
  const { app, tmdb } = await setup(t, { api_key: '' })
  assertPlaceholder(await image(app.url, '/api/images/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg'), 'no key')
  assert.equal(tmdb.requests.length, 0)
})

test('sizes and file names are validated strictly: 400 in the error format', async (t) => {
  const { app, tmdb } = await setup(t)
  const bad = [
    '/api/images/w999/abc.jpg',
    '/api/images/W342/abc.jpg',
    '/api/images/w342/abc.gif',
    '/api/images/w342/abc',
    '/api/images/w342/a.b.jpg',
    '/api/images/w342/..%2Fmomoshtrem.db',
    '/api/images/w342/%2Fabc.jpg',
    '/api/images/w342/abc.jpg%00.png',
    '/api/images/w342/ab%20c.jpg',
    '/api/images/w342/.jpg',
    `/api/images/w342/${'a'.repeat(300)}.jpg`
  ]
  for (const path of bad) {
    const r = await image(app.url, path)
    // a name past the router's parameter length is 414 (Fastify's maxParamLength)
    assert.ok([400, 404, 414].includes(r.status), `${path} -> ${r.status}`)
    const body = JSON.parse(r.body.toString('utf8'))
    assert.equal(typeof body.error.code, 'string', path)
    assert.equal(typeof body.error.message, 'string', path)
  }
  assert.equal((await image(app.url, '/api/images/w342/abc.gif')).status, 400)
  assert.equal(tmdb.requests.length, 0, 'nothing reached TMDB')
})

test('movies and shows carry TMDB\'s backdrop_path, and the UI loads it through /api/images', async (t) => {
  const { app } = await setup(t)
  const post = async (path: string, body: unknown): Promise<any> => {
    const res = await fetch(app.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    assert.equal(res.status, 201)
    return await res.json()
  }
  const movie = await post('/api/movies', { tmdb_id: 550 })
  assert.equal(movie.backdrop_path, '/hZkgoQYus5vegHoetLkCJzb17zJ.jpg')
  const show = await post('/api/shows', { tmdb_id: 1396 })
  assert.equal(show.backdrop_path, '/tsRy63Mu5cu8etL1X7ZLyf7UP1M.jpg')
  const manual = await post('/api/movies', { title: 'Heat', year: 1995 })
  assert.equal(manual.backdrop_path, null)
  const list = await (await fetch(app.url + '/api/shows')).json() as any
  assert.equal(list.items[0].backdrop_path, '/tsRy63Mu5cu8etL1X7ZLyf7UP1M.jpg')
  const backdrop = await image(app.url, `/api/images/w1280/${String(movie.backdrop_path).slice(1)}`)
  assert.equal(backdrop.status, 200)
  assert.ok(backdrop.body.equals(fakeImage('w1280', 'hZkgoQYus5vegHoetLkCJzb17zJ.jpg').body))
})
