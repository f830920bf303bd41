// The engine's bounds reach a REST client as 503 limit_reached, with Retry-After when waiting helps.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'
import { apiClient } from '../helpers/api-client.ts'

const lonely = (n: number): string => `magnet:?xt=urn:btih:${n.toString(16).padStart(40, '0')}`

test('an assign beyond torrent.max_concurrent_adds answers 503 with Retry-After; the first one still times out cleanly', { timeout: 60_000 }, async (t) => {
  const app = await startApp(t, { torrent: { add_timeout: 3, max_concurrent_adds: 1 } })
  const api = apiClient(app.url)
  const movie = await api.post('/api/movies', { title: 'Waiting', year: 2001 })
  assert.equal(movie.status, 201)
  const first = api.post(`/api/movies/${movie.body.id as number}/assign`, { magnet_uri: lonely(1) })
  // the first assign is fetching metadata once the torrent is listed
  await waitFor(async () => ((await api.get('/api/torrents')).body.items as unknown[]).length > 0, 10_000, 'the first add is under way', 20)
  const second = await api.post(`/api/movies/${movie.body.id as number}/assign`, { magnet_uri: lonely(2) })
  assert.equal(second.status, 503, JSON.stringify(second.body))
  assert.equal(second.body.error.code, 'limit_reached')
  assert.match(second.body.error.message, /max_concurrent_adds = 1/)
  assert.equal(second.headers.get('retry-after'), '5')
  const done = await first
  assert.equal(done.status, 504, JSON.stringify(done.body))
})
