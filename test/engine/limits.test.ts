// Bounds on what one client can make the engine do (issue 10, item 4): magnets fetching
// metadata at once, torrents loaded, peer hints dialled per magnet.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { createTestEngine } from '../helpers/engine.ts'
import { expectDomainError } from '../helpers/engine-asserts.ts'
import { LimitError } from '../../src/errors.ts'

const hash = (n: number): string => n.toString(16).padStart(40, '0')
/** an add nobody can answer: no tracker, no hint, so it waits for add_timeout */
const lonely = (n: number): string => `magnet:?xt=urn:btih:${hash(n)}`

test('adds beyond max_concurrent_adds and max_torrents answer LimitError at once; the slots free again', { timeout: 60_000 }, async (t) => {
  const { engine } = await createTestEngine(t, { add_timeout: 2, max_concurrent_adds: 2, max_torrents: 3 })
  const pending = [1, 2].map(async (n) => await expectDomainError(engine.getOrAddTorrent(hash(n), lonely(n)), 'add_timeout', 10_000, `add ${n}`))
  await assert.rejects(engine.getOrAddTorrent(hash(3), lonely(3)), (err: unknown) => {
    assert.ok(err instanceof LimitError, String(err))
    assert.equal(err.status, 503)
    assert.equal(err.retryAfter, 5)
    assert.match(err.message, /max_concurrent_adds = 2/)
    return true
  })
  // the same torrent again joins its pending add instead of counting twice
  const again = expectDomainError(engine.getOrAddTorrent(hash(1), lonely(1)), 'add_timeout', 10_000, 'add 1 again')
  await Promise.all([...pending, again])
  // both timed out and were dropped: two new adds fit again
  await Promise.all([4, 5].map(async (n) => await expectDomainError(engine.getOrAddTorrent(hash(n), lonely(n)), 'add_timeout', 10_000, `add ${n}`)))
})

test('max_torrents counts loaded and pending torrents', { timeout: 30_000 }, async (t) => {
  const { engine } = await createTestEngine(t, { add_timeout: 2, max_concurrent_adds: 8, max_torrents: 2 })
  const pending = [1, 2].map(async (n) => await expectDomainError(engine.getOrAddTorrent(hash(n), lonely(n)), 'add_timeout', 10_000, `add ${n}`))
  await assert.rejects(engine.getOrAddTorrent(hash(3), lonely(3)), (err: unknown) => err instanceof LimitError && /max_torrents = 2/.test(err.message))
  await Promise.all(pending)
})

test('a magnet with many peer hints dials at most max_peer_hints of them', { timeout: 60_000 }, async (t) => {
  // 30 listeners that accept and say nothing: each counts whether the engine ever dialled it
  const dialled = new Set<number>()
  const servers: net.Server[] = []
  t.after(() => { for (const s of servers) s.close() })
  for (let i = 0; i < 30; i++) {
    const s = net.createServer((sock) => { dialled.add(i); sock.on('error', () => {}) })
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
    servers.push(s)
  }
  const hints = servers.map((s) => `&x.pe=127.0.0.1:${(s.address() as net.AddressInfo).port}`).join('')
  const { engine } = await createTestEngine(t, { add_timeout: 3, max_peer_hints: 5 })
  await expectDomainError(engine.getOrAddTorrent(hash(9), lonely(9) + hints), 'add_timeout', 10_000, 'add with hints')
  assert.ok(dialled.size >= 1, 'the kept hints were dialled')
  assert.ok(dialled.size <= 5, `dialled ${dialled.size} hint addresses, more than max_peer_hints = 5`)
  assert.ok([...dialled].every((i) => i < 5), `only the first five hints are kept: ${[...dialled].join(',')}`)
})
