// Bytes that cannot be parsed after a complete request on the same connection (a client that
// sends a DELETE body without Content-Length: the body becomes the next "request"). The
// request is carried out, so its own answer must come first; the 400 for the garbage follows
// and the connection closes. Found by the API fuzz (api-fuzz.test.ts): the 400 used to be
// written at once and read as the DELETE's answer, while the movie was deleted.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { startApp } from '../helpers/app.ts'
import { apiClient } from '../helpers/api-client.ts'
import { withTimeout } from '../helpers/wait.ts'

/** Writes `raw` on one connection and reads until the server closes it. */
async function exchange (port: number, raw: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (c: Buffer) => chunks.push(c))
  socket.write(raw)
  await withTimeout(new Promise<void>((resolve) => { socket.on('close', () => { resolve() }) }), 10_000, 'the server closes the connection')
  return Buffer.concat(chunks).toString('utf8')
}

const statuses = (text: string): number[] => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))

test('a request followed by garbage: its own answer first, then 400 and close', async (t) => {
  const { url } = await startApp(t)
  const port = Number(new URL(url).port)
  const api = apiClient(url)
  const id = (await api.post('/api/movies', { title: 'Doomed', year: 2000 })).body.id as number

  const deleted = await exchange(port, `DELETE /api/movies/${id} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n[1]`)
  assert.deepEqual(statuses(deleted), [204, 400], deleted)
  assert.match(deleted, /"code":"invalid_input"/)
  assert.equal((await api.get(`/api/movies/${id}`)).status, 404, 'the DELETE was carried out, as its 204 said')

  // a response with a body, and garbage that is not even text
  const status = await exchange(port, 'GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n\u0000\u0001garbage\r\n\r\n')
  assert.deepEqual(statuses(status), [200, 400], status)
  assert.match(status, /"status":"ok"/)

  // nothing in flight: the 400 at once, as before
  assert.deepEqual(statuses(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n')), [400])
})
