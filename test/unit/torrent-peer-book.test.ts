// PeerBook (src/torrent/persistence.ts): which peers a torrent's record keeps across restarts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEAD_AFTER_FAILURES, DEAD_AFTER_MS, MAX_REMEMBERED_PEERS, PeerBook } from '../../src/torrent/persistence.ts'

const DAY = 24 * 3600 * 1000

test('peer book: this run\'s connections first, then the earlier list, nobody dropped for not being seen', () => {
  const book = new PeerBook({ peers: ['10.0.0.1:1', '10.0.0.2:2', '10.0.0.3:3'] })
  assert.deepEqual(book.snapshot([]).peers, ['10.0.0.1:1', '10.0.0.2:2', '10.0.0.3:3'], 'a run that connected to nobody keeps the list')
  assert.deepEqual(book.snapshot(['10.0.0.3:3', '10.0.0.9:9']).peers, ['10.0.0.3:3', '10.0.0.9:9', '10.0.0.1:1', '10.0.0.2:2'])
})

test('peer book: bounded, the most recent kept', () => {
  const earlier = Array.from({ length: MAX_REMEMBERED_PEERS }, (_, i) => `10.0.1.${i}:1`)
  const now = Array.from({ length: 5 }, (_, i) => `10.0.2.${i}:1`)
  const peers = new PeerBook({ peers: earlier }).snapshot(now).peers
  assert.equal(peers.length, MAX_REMEMBERED_PEERS)
  assert.deepEqual(peers.slice(0, 5), now)
  assert.deepEqual(peers.slice(5), earlier.slice(0, MAX_REMEMBERED_PEERS - 5))
})

test('peer book: forgotten only after repeated failed dials over time; a connection clears the count', () => {
  let now = Date.parse('2026-01-01T00:00:00Z')
  const clock = (): number => now
  const dead = '10.0.0.1:1'
  const flaky = '10.0.0.2:2'
  const rare = '10.0.0.3:3'
  let book = new PeerBook({ peers: [dead, flaky, rare] }, clock)
  for (let i = 0; i < 3 * DEAD_AFTER_FAILURES; i++) { book.failed(dead); book.failed(flaky) }
  for (let i = 0; i < DEAD_AFTER_FAILURES - 1; i++) book.failed(rare)
  now += DAY
  const rec = book.snapshot([])
  assert.deepEqual(rec.peers, [dead, flaky, rare], 'many failures within a day: a seeder that is off for a while, not dead')
  assert.equal(rec.failing?.[dead]?.count, 3 * DEAD_AFTER_FAILURES)

  book = new PeerBook(rec, clock) // a restart: the counts are in the record
  book.connected(flaky)
  now += DEAD_AFTER_MS
  book.failed(dead)
  const later = book.snapshot([])
  assert.deepEqual(later.peers, [flaky, rare], 'dials failing for 8 days, 31 times: forgotten; the others kept')
  assert.equal(later.failing?.[flaky], undefined, 'a connection cleared the failures')
  book.failed(rare)
  assert.deepEqual(book.snapshot([]).peers, [flaky], 'the 10th failure, 8 days after the first, proves it dead')
})

test('peer book: a banned peer is dropped at once, even if it connected in this run', () => {
  const book = new PeerBook({ peers: ['10.0.0.1:1', '10.0.0.2:2'] })
  book.ban('10.0.0.1:1')
  assert.deepEqual(book.snapshot(['10.0.0.1:1']).peers, ['10.0.0.2:2'])
})
