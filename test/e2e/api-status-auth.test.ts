// /api/status, unknown routes, malformed requests, and HTTP Basic auth on and off.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { version } from '../../src/version.ts'
import { apiClient } from '../helpers/api-client.ts'

test('status reports version, uptime, counts, cache and torrents', async (t) => {
  const tmdb = await startFakeTmdb(t)
  const { url } = await startApp(t, { tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey }, torrent: { global_cache_size: 64 } })
  const api = apiClient(url)
  await api.post('/api/movies', { tmdb_id: 550 })
  await api.post('/api/shows', { tmdb_id: 1396 })
  const r = await api.get('/api/status')
  assert.equal(r.status, 200)
  assert.equal(r.body.status, 'ok')
  assert.equal(r.body.version, version)
  assert.equal(typeof r.body.uptime_seconds, 'number')
  assert.ok(r.body.uptime_seconds >= 0)
  assert.ok(!Number.isNaN(Date.parse(r.body.started_at)))
  assert.equal(r.body.tmdb_configured, true)
  assert.deepEqual(r.body.counts, { movies: 1, shows: 1, seasons: 3, episodes: 7, active_assignments: 0 })
  assert.equal(r.body.cache.limit_bytes, 64 * 1024 * 1024)
  assert.equal(typeof r.body.cache.used_bytes, 'number')
  assert.equal(r.body.torrents.loaded, 0)
  assert.deepEqual(r.body.subtitles, { opensubtitles_configured: false, languages: [], last_error: null })
  assert.deepEqual(r.body.media_servers, [])
  assert.equal(r.body.show_refresh.interval_seconds, 86400)
  assert.ok(['waiting', 'paused'].includes(r.body.show_refresh.state), r.body.show_refresh.state)
  // the calendar of the show just added (the fixture's air dates are long past: nothing upcoming)
  const upcoming = await api.get('/api/episodes/upcoming?days=30')
  assert.equal(upcoming.status, 200)
  assert.deepEqual(upcoming.body.items, [])
  assert.equal((await api.get('/api/episodes/recent?days=0')).status, 400)
})

test('unknown /api routes, malformed JSON and wrong content types get JSON errors', async (t) => {
  const { url } = await startApp(t)
  const api = apiClient(url)
  const missing = await api.get('/api/nothing/here?x=1')
  assert.equal(missing.status, 404)
  assert.deepEqual(missing.body, { error: { code: 'not_found', message: 'no API route GET /api/nothing/here' } })
  assert.equal((await api.call('PUT', '/api/movies', { title: 'x' })).body.error.code, 'not_found')
  const bad = await api.post('/api/movies', '{"title": ')
  assert.equal(bad.status, 400)
  assert.equal(bad.body.error.code, 'invalid_input')
  const form = await api.call('POST', '/api/movies', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' })
  assert.equal(form.status, 415)
  assert.equal(form.body.error.code, 'unsupported_media_type')
  const huge = await api.post('/api/movies', { title: 'x'.repeat(2 * 1024 * 1024) })
  assert.equal(huge.status, 413)
  assert.equal(huge.body.error.code, 'payload_too_large')
})

test('auth on: 401 without credentials, 200 with, OPTIONS exempt', async (t) => {
  const { url } = await startApp(t, { auth: { username: 'momo', password: 's3cret: yes' } })
  const anonymous = apiClient(url)
  const r = await anonymous.get('/api/status')
  assert.equal(r.status, 401)
  assert.equal(r.body.error.code, 'unauthorized')
  assert.match(r.headers.get('www-authenticate') ?? '', /^Basic realm="momoshtrem"/)
  assert.equal((await anonymous.post('/api/movies', { title: 'x' })).status, 401)
  assert.equal((await apiClient(url, { username: 'momo', password: 'wrong' }).get('/api/movies')).status, 401)
  const opts = await anonymous.call('OPTIONS', '/api/movies')
  assert.notEqual(opts.status, 401)

  const user = apiClient(url, { username: 'momo', password: 's3cret: yes' })
  assert.equal((await user.get('/api/status')).status, 200)
  assert.equal((await user.post('/api/movies', { title: 'Heat', year: 1995 })).status, 201)
  assert.equal((await user.get('/api/movies')).body.total, 1)
})

test('auth off: the API answers without credentials', async (t) => {
  const { url } = await startApp(t)
  const r = await apiClient(url).get('/api/status')
  assert.equal(r.status, 200)
  assert.equal(r.body.tmdb_configured, false)
})
