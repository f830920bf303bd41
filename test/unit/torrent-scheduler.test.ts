import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BACKGROUND_HOLDOFF_MS, Scheduler, STEAL_AFTER_MS, type PeerLike } from '../../src/torrent/scheduler.ts'
import type { TorrentInfo, WantClass } from '../../src/torrent/types.ts'

const B = 16 * 1024
const info: TorrentInfo = { infoHash: '0'.repeat(40), name: 'x', length: 10 * 4 * B, pieceLength: 4 * B, pieceCount: 10, files: [] }

class FakePeer implements PeerLike {
  readonly outstanding = new Map<number, { piece: number, block: number, offset: number, length: number, sentAt: number }>()
  readonly latencies: number[] = []
  constructor (public maxOutstanding = 100, private readonly pieces?: Set<number>) {}
  has (p: number): boolean { return this.pieces === undefined || this.pieces.has(p) }
  pipelineLimited = false
  minLatency?: number
  rate?: number
  handshakeMs?: number
  sampleLatency (ms: number): void { this.latencies.push(ms) }
}

function setup (have = new Set<number>()) {
  const sent: Array<[FakePeer, number, number]> = []
  const cancelled: Array<[FakePeer, number, number]> = []
  const s = new Scheduler<FakePeer>(info, {
    have: i => have.has(i),
    send: (p, piece, offset) => { sent.push([p, piece, offset]) },
    cancel: (p, piece, offset) => { cancelled.push([p, piece, offset]) }
  })
  return { s, sent, cancelled }
}

test('scheduler: urgent before readahead before background, which waits for a quiet moment; nothing unwanted', () => {
  const { s, sent } = setup()
  s.sources.add({ collect: add => { add(7, 'background', Infinity, 0); add(5, 'readahead', Infinity, 10); add(2, 'urgent', Date.now() + 60_000, 0) } })
  const peer = new FakePeer(100)
  const t0 = Date.now()
  assert.equal(s.spreadUrgent([peer], t0), 4)
  assert.equal(s.fill(peer, t0), 4, 'every awaited block asked for: read-ahead behind it, background not yet')
  // a foreground block arriving later restarts the wait
  s.onBlock(peer, 5, 0, Buffer.alloc(B), t0 + 100)
  assert.equal(s.fill(peer, t0 + BACKGROUND_HOLDOFF_MS), 0, 'a read-ahead block came in 400 ms ago')
  assert.equal(s.fill(peer, t0 + 100 + BACKGROUND_HOLDOFF_MS), 4, 'quiet for long enough: background')
  assert.deepEqual(sent.map(([, p]) => p), [2, 2, 2, 2, 5, 5, 5, 5, 7, 7, 7, 7])
})

test('scheduler: while a read waits on blocks nobody was asked for, other work keeps two requests a peer', () => {
  const have = new Set<number>()
  const { s, sent } = setup(have)
  s.sources.add({ collect: add => { add(2, 'urgent', Date.now() + 60_000, 0); add(3, 'urgent', Date.now() + 60_000, 4 * B); add(5, 'readahead', Infinity, 8 * B) } })
  const a = new FakePeer(2) // urgent blocks up to its pipeline + 4: six of the eight
  const b = new FakePeer(100, new Set([5]))
  const t0 = Date.now()
  assert.equal(s.spreadUrgent([a], t0), 6)
  assert.equal(s.fill(b, t0), 2, 'two blocks of read-ahead: piece 3 has blocks nobody was asked for')
  for (let blk = 0; blk < 4; blk++) s.onBlock(a, 2, blk * B, Buffer.alloc(B), t0 + 10)
  have.add(2)
  assert.equal(s.spreadUrgent([a], t0 + 10), 2, 'the rest of piece 3')
  assert.equal(s.fill(b, t0 + 10), 2, 'every awaited block asked for: the rest of the read-ahead')
  assert.deepEqual(sent.filter(([p]) => p === b).map(([, p, o]) => [p, o / B]), [[5, 0], [5, 1], [5, 2], [5, 3]])
})

test('scheduler: pipeline cap, held pieces skipped, peers without the piece skipped', () => {
  const { s, sent } = setup(new Set([1]))
  s.sources.add({ collect: add => { for (let p = 0; p < 4; p++) add(p, 'readahead', Infinity, p) } })
  const peer = new FakePeer(5, new Set([0, 1, 3]))
  assert.equal(s.fill(peer), 5)
  assert.deepEqual(sent.map(([, p, o]) => [p, o / B]), [[0, 0], [0, 1], [0, 2], [0, 3], [3, 0]])
})

test('scheduler: completed piece returned once; duplicates cancelled at the other peer', () => {
  const { s, cancelled } = setup()
  s.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 1000, 0) } }) // deadline close: rush
  const a = new FakePeer(100)
  const b = new FakePeer(100)
  s.spreadUrgent([a])
  assert.equal(s.fill(b), 4, 'urgent blocks duplicated near the deadline')
  let done = null
  for (let blk = 0; blk < 4; blk++) done = s.onBlock(a, 0, blk * B, Buffer.alloc(B, blk))
  assert.ok(done !== null)
  assert.equal(done.buf.length, 4 * B)
  assert.equal(done.buf[3 * B], 3)
  assert.equal(cancelled.length, 4)
  assert.equal(b.outstanding.size, 0)
  assert.equal(s.onBlock(b, 0, 0, Buffer.alloc(B)), null, 'late duplicate ignored')
})

test('scheduler: readahead is not duplicated; urgent blocks go to an idle peer when queued deep, to any after STEAL_AFTER_MS', () => {
  const { s } = setup()
  let cls: WantClass = 'readahead'
  s.sources.add({ collect: add => { add(0, cls, Date.now() + 600_000, 0) } })
  // both measured alike (an unmeasured peer duplicates only a stalled peer's blocks)
  const slow = Object.assign(new FakePeer(100), { minLatency: 20, rate: 1_000_000 })
  const fast = Object.assign(new FakePeer(100), { minLatency: 20, rate: 1_000_000 })
  const t0 = Date.now()
  s.fill(slow, t0)
  s.spreadUrgent([slow], t0)
  assert.equal(s.fill(fast, t0 + STEAL_AFTER_MS + 1), 0)
  cls = 'urgent'
  s.invalidate()
  // an idle peer duplicates the blocks queued behind two or more others at the busy one...
  assert.equal(s.fill(fast, t0 + 10), 2, 'blocks 2 and 3 (0 and 1 are next at the slow peer)')
  assert.equal(s.fill(fast, t0 + 10), 0, 'not idle any more: nothing else yet')
  // ...and every block outstanding for longer than STEAL_AFTER_MS (the fast peer answers, so
  // it is not stalled itself)
  s.onBlock(fast, 0, 2 * B, Buffer.alloc(B), t0 + 20)
  assert.equal(s.fill(fast, t0 + STEAL_AFTER_MS + 1), 2)
})

test('scheduler: a dropped want cancels its in-flight requests (seek / aborted read)', () => {
  const { s, cancelled } = setup()
  const src = { collect: (add: (p: number, c: WantClass, d: number, r: number) => void) => { add(3, 'readahead', Infinity, 0) } }
  s.sources.add(src)
  const peer = new FakePeer(100)
  s.fill(peer)
  assert.equal(peer.outstanding.size, 4)
  s.sources.delete(src)
  s.invalidate()
  s.wants()
  assert.equal(peer.outstanding.size, 0)
  assert.equal(cancelled.length, 4)
  assert.equal(s.inflight.size, 0)
  assert.equal(s.pinned(3), false)
})

test('scheduler: a released block (choke/timeout) is requested again', () => {
  const { s, sent } = setup()
  s.sources.add({ collect: add => { add(1, 'readahead', Infinity, 0) } })
  const a = new FakePeer(100)
  const b = new FakePeer(100)
  s.fill(a)
  s.release(a, 1, B)
  assert.equal(s.fill(b), 1)
  assert.deepEqual(sent.at(-1)?.slice(1), [1, B])
  s.dropPeer(a)
  assert.equal(a.outstanding.size, 0)
})

test('scheduler: discardFrom drops in-flight pieces a banned peer contributed to', () => {
  const { s } = setup()
  s.sources.add({ collect: add => { add(0, 'readahead', Infinity, 0); add(1, 'readahead', Infinity, 1) } })
  const bad = new FakePeer(2)
  const good = new FakePeer(100)
  s.fill(bad)
  s.fill(good)
  s.onBlock(bad, 0, 0, Buffer.alloc(B))
  s.onBlock(good, 1, 0, Buffer.alloc(B))
  s.discardFrom(bad)
  assert.equal(s.inflight.has(0), false)
  assert.equal(s.inflight.has(1), true)
  assert.equal([...good.outstanding.values()].some(o => o.piece === 0), false, 'requests for the dropped piece cancelled')
})

test('scheduler: urgent blocks are spread over the peers holding the piece, fewest outstanding first', () => {
  const { s, sent } = setup()
  s.sources.add({ collect: add => { add(3, 'urgent', Date.now() + 60_000, 0); add(4, 'readahead', Infinity, 0) } })
  // measured alike (an unmeasured peer would take at most two: see the next tests)
  const a = Object.assign(new FakePeer(100), { minLatency: 20 })
  const b = Object.assign(new FakePeer(100), { minLatency: 20 })
  const c = Object.assign(new FakePeer(100, new Set([4])), { minLatency: 20 }) // lacks the urgent piece
  // b is already busy: it should get fewer of the urgent blocks
  b.outstanding.set(999_000, { piece: 999, block: 0, offset: 0, length: B, sentAt: Date.now() })
  assert.equal(s.spreadUrgent([a, b, c]), 4)
  const to = (p: FakePeer): number => sent.filter(([q, piece]) => q === p && piece === 3).length
  assert.deepEqual([to(a), to(b), to(c)], [3, 1, 0])
  assert.ok(sent.every(([, piece]) => piece === 3), 'read-ahead is left to fill()')
  // nothing left to spread: the piece is fully requested
  assert.equal(s.spreadUrgent([a, b, c]), 0)
})

test('scheduler: urgent spreading respects each peer\'s pipeline (plus the urgent overflow)', () => {
  const { s } = setup()
  s.sources.add({ collect: add => { for (let p = 0; p < 10; p++) add(p, 'urgent', Date.now() + 60_000 + p, 0) } })
  const a = new FakePeer(5)
  // the pipeline plus 4, then nothing more
  assert.equal(s.spreadUrgent([a]), 9)
  assert.equal(a.outstanding.size, 9)
  assert.equal(s.fill(a), 0, 'fill() never requests fresh urgent blocks (they are spread)')
})

test('scheduler: peers that have not unchoked us yet keep the blocks they would deliver first', () => {
  const { s, sent } = setup()
  s.sources.add({ collect: add => { add(1, 'urgent', Date.now() + 60_000, 0) } })
  const first = new FakePeer(100)
  const joining = [new FakePeer(100), new FakePeer(100), new FakePeer(100, new Set([7]))]
  // 4 blocks, two holders (both unmeasured) of which one is still joining: the first to
  // unchoke takes 3 (its third arrives before the joining peer's first could), not all 4
  assert.equal(s.spreadUrgent([first], Date.now(), Infinity, joining.slice(0, 1)), 3)
  assert.equal(s.spreadUrgent([first], Date.now(), Infinity, joining.slice(0, 1)), 0, 'the rest waits for the joining peer')
  assert.equal(s.spreadUrgent([first, joining[0]!], Date.now(), Infinity, []), 1, 'it unchoked: it takes what was kept for it')
  assert.deepEqual(sent.map(([p]) => p === first ? 'first' : 'joined'), ['first', 'first', 'first', 'joined'])
  // a joining peer without the piece reserves nothing
  const { s: s2 } = setup()
  s2.sources.add({ collect: add => { add(1, 'urgent', Date.now() + 60_000, 0) } })
  assert.equal(s2.spreadUrgent([new FakePeer(100)], Date.now(), Infinity, joining.slice(2)), 4)
})

test('scheduler: blocks arriving after their piece was dropped complete it as an orphan', () => {
  const { s, cancelled } = setup()
  let want = true
  s.sources.add({ collect: add => { if (want) add(2, 'readahead', Infinity, 0) } })
  const peer = new FakePeer(100)
  assert.equal(s.fill(peer, 1000), 4)
  want = false
  s.invalidate()
  s.wants()
  assert.equal(cancelled.length, 4, 'dropping the want cancels the requests')
  assert.equal(peer.outstanding.size, 0)
  // the peer had already queued them: they arrive anyway and are kept
  const data = (i: number): Uint8Array => new Uint8Array(B).fill(i)
  for (let b = 0; b < 3; b++) assert.equal(s.onBlock(peer, 2, b * B, data(b)), null)
  const done = s.onBlock(peer, 2, 3 * B, data(3))
  assert.ok(done !== null, 'the last late block completes the piece')
  assert.equal(done.piece, 2)
  assert.deepEqual([...done.buf.subarray(0, 4 * B)].filter((_, i) => i % B === 0), [0, 1, 2, 3])
  assert.deepEqual(peer.latencies, [], 'a cancelled block says nothing about the round trip')
  // a block for a piece nobody asked for is dropped
  assert.equal(s.onBlock(peer, 5, 0, data(0)), null)
})

test('scheduler: an orphan wanted again keeps the blocks it received; requested ones sample latency', () => {
  const { s, sent } = setup()
  let want = true
  s.sources.add({ collect: add => { if (want) add(6, 'readahead', Infinity, 0) } })
  const peer = new FakePeer(100)
  s.fill(peer, 1000)
  assert.equal(s.onBlock(peer, 6, 0, new Uint8Array(B), 1025), null)
  assert.deepEqual(peer.latencies, [25])
  want = false
  s.invalidate()
  s.wants()
  assert.equal(s.onBlock(peer, 6, B, new Uint8Array(B)), null) // late, kept
  want = true
  s.invalidate()
  sent.length = 0
  assert.equal(s.fill(peer), 2, 'only the two blocks never received are requested again')
  assert.deepEqual(sent.map(([, , o]) => o / B), [2, 3])
})

test('scheduler: fill() tells whether a peer had more wanted blocks than pipeline slots', () => {
  const { s } = setup()
  let pieces = 1
  s.sources.add({ collect: add => { for (let p = 0; p < pieces; p++) add(p, 'readahead', Infinity, p) } })
  const peer = new FakePeer(6)
  assert.equal(s.fill(peer), 4)
  assert.equal(peer.pipelineLimited, false, 'all it could give was requested')
  pieces = 3
  s.invalidate()
  assert.equal(s.fill(peer), 2)
  assert.equal(peer.pipelineLimited, true, 'pieces 1 and 2 still have blocks nobody was asked for')
})

test('scheduler: background work fills at most a quarter of a peer\'s pipeline', () => {
  const { s } = setup()
  s.sources.add({ collect: add => { for (let p = 0; p < 4; p++) add(p, 'background', Infinity, p) } })
  const peer = new FakePeer(8)
  assert.equal(s.fill(peer), 2, 'a quarter of 8')
  assert.equal(peer.pipelineLimited, false, 'the pipeline itself is not full')
})

test('wants: ordered by class, deadline, distance; deferred reads come after every window; the most pressing want of a piece counts', () => {
  const { s } = setup()
  const soon = Date.now() + 1000
  s.sources.add({ collect: add => { add(9, 'background', Infinity, 0); add(8, 'deferred', Infinity, 0); add(4, 'readahead', Infinity, 1_000_000) } })
  s.sources.add({ collect: add => { add(6, 'urgent', soon + 5, 0); add(3, 'urgent', soon, 4 * B); add(1, 'readahead', Infinity, 10) } })
  s.sources.add({ collect: add => { add(8, 'readahead', Infinity, 20); add(9, 'urgent', soon + 5, 8 * B) } })
  const order = s.wants().map((w) => [w.piece, w.class, w.deadline, w.distance])
  assert.deepEqual(order, [
    [3, 'urgent', soon, 4 * B],
    [6, 'urgent', soon + 5, 0],
    [9, 'urgent', soon + 5, 8 * B],
    [1, 'readahead', Infinity, 10],
    [8, 'readahead', Infinity, 20],
    [4, 'readahead', Infinity, 1_000_000]
  ])
  s.sources.add({ collect: add => { add(0, 'deferred', Infinity, 0); add(2, 'background', Infinity, 0) } })
  s.invalidate()
  assert.deepEqual(s.wants().slice(-2).map((w) => [w.piece, w.class]), [[0, 'deferred'], [2, 'background']])
})

test('scheduler: a measured fast peer takes more of an urgent piece than a slow one', () => {
  const { s, sent } = setup()
  s.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
  const fast = Object.assign(new FakePeer(100), { rate: 2_500_000, minLatency: 40 })
  const slow = Object.assign(new FakePeer(100), { rate: 60_000, minLatency: 300 })
  assert.equal(s.spreadUrgent([slow, fast]), 4)
  assert.deepEqual(sent.map(([p]) => p === fast ? 'fast' : 'slow'), ['fast', 'fast', 'fast', 'fast'], 'the slow peer would deliver its first block after the fast one delivered all four')
})

test('scheduler: a peer that takes requests and answers none is stalled: no new requests, its urgent blocks go elsewhere', () => {
  const { s } = setup()
  s.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0); add(1, 'readahead', Infinity, 1) } })
  const silent = new FakePeer(100)
  const good = new FakePeer(100)
  const t0 = Date.now()
  assert.equal(s.spreadUrgent([silent], t0), 4)
  assert.equal(s.stalled(silent, t0 + 500), false, 'not yet')
  assert.equal(s.stalled(silent, t0 + 1100), true)
  assert.equal(s.fill(silent, t0 + 1100), 0, 'no read-ahead for a stalled peer either (it has requests to answer)')
  assert.equal(s.fill(good, t0 + 1100), 4, 'the urgent piece duplicated (its blocks count as not requested); no read-ahead while the read waits')
  s.onBlock(silent, 1, 0, Buffer.alloc(B), t0 + 1200)
  assert.equal(s.stalled(silent, t0 + 1200), true, 'a block it was not asked for proves nothing')
  // its requests time out: still stalled, one read-ahead block as a probe, no urgent work
  for (let b = 0; b < 4; b++) s.release(silent, 0, b * B)
  assert.equal(s.stalled(silent, t0 + 1250), true, 'stalled until it answers')
  assert.equal(s.fill(silent, t0 + 1250), 1, 'one probe')
  assert.equal(s.spreadUrgent([silent], t0 + 1250), 0, 'no urgent blocks')
  s.onBlock(silent, 1, 0, Buffer.alloc(B), t0 + 1300)
  assert.equal(s.stalled(silent, t0 + 1300), false, 'it answered')
})

test('scheduler: an urgent block overdue at its peer (a queue we cannot see) is duplicated by an idle peer, the later the more', () => {
  const { s } = setup()
  s.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
  const a = Object.assign(new FakePeer(100), { rate: 1_000_000, minLatency: 20 })
  const b = Object.assign(new FakePeer(100), { rate: 1_000_000, minLatency: 20 })
  const t0 = Date.now()
  assert.equal(s.spreadUrgent([a, b], t0), 4)
  for (const o of [...b.outstanding.values()]) s.onBlock(b, 0, o.offset, Buffer.alloc(B), t0 + 30)
  assert.equal(s.fill(b, t0 + 40), 0, 'a\'s blocks are due about now')
  assert.equal(s.fill(b, t0 + 200), 2, 'both far overdue: b would deliver them sooner')
})

test('scheduler: unmeasured peers take two urgent blocks each when others hold the piece; the rest goes to whoever shows its pace', () => {
  const big: TorrentInfo = { ...info, pieceLength: 16 * B, length: 10 * 16 * B }
  const { s: s16, sent: sent16 } = (() => {
    const out: Array<[FakePeer, number, number]> = []
    const sch = new Scheduler<FakePeer>(big, { have: () => false, send: (p, piece, offset) => { out.push([p, piece, offset]) }, cancel: () => {} })
    return { s: sch, sent: out }
  })()
  s16.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
  const peers = [new FakePeer(4), new FakePeer(4), new FakePeer(4)]
  const t0 = Date.now()
  assert.equal(s16.spreadUrgent(peers, t0), 6, 'two each: one may be a 0.5 Mbit peer or one that never answers')
  assert.equal(s16.spreadUrgent(peers, t0), 0, 'the other ten wait for a peer to answer')
  // the first peer answers both, 40 ms after the requests: measured, it takes a round trip
  // and more of its pace; the others, still unmeasured, nothing more
  for (const o of [...peers[0]!.outstanding.values()]) {
    s16.onBlock(peers[0]!, 0, o.offset, Buffer.alloc(B), t0 + 40)
    peers[0]!.minLatency = 40
  }
  assert.ok(s16.spreadUrgent(peers, t0 + 40) >= 4)
  assert.ok(sent16.slice(6).every(([p]) => p === peers[0]), 'only the peer that answered')
  // a lone unmeasured holder is not held back: nobody else could take the blocks
  const { s: solo } = setup()
  solo.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
  assert.equal(solo.spreadUrgent([new FakePeer(100)]), 4)
})

test('scheduler: a peer\'s pace (its run of back-to-back blocks) lets it take more of an urgent piece than its pipeline', () => {
  const big: TorrentInfo = { ...info, pieceLength: 64 * B, length: 4 * 64 * B }
  const sch = new Scheduler<FakePeer>(big, { have: () => false, send: () => {}, cancel: () => {} })
  sch.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0); add(1, 'urgent', Date.now() + 60_000, 1) } })
  const fast = Object.assign(new FakePeer(4), { minLatency: 40 })
  const t0 = Date.now()
  assert.equal(sch.spreadUrgent([fast], t0), 8, 'its pipeline plus the urgent overflow')
  // eight blocks 5 ms apart: 3.3 MB/s, so about 90 ms of its pace is 18 blocks
  let i = 0
  for (const o of [...fast.outstanding.values()]) sch.onBlock(fast, 0, o.offset, Buffer.alloc(B), t0 + 40 + 5 * i++)
  assert.ok(sch.spreadUrgent([fast], t0 + 80) >= 15)
})

test('scheduler: a fast peer takes a block both of whose copies are expected late, and the later copy is cancelled; an unmeasured peer duplicates nothing', () => {
  const { s, cancelled } = setup()
  s.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
  const a = Object.assign(new FakePeer(100), { minLatency: 300, rate: 20_000 })
  const b = Object.assign(new FakePeer(100), { minLatency: 400, rate: 20_000 })
  const t0 = Date.now()
  assert.equal(s.spreadUrgent([a], t0), 4)
  // a second copy of each at b (as after duplicates near a deadline)
  for (let blk = 0; blk < 4; blk++) b.outstanding.set(blk, { piece: 0, block: blk, offset: blk * B, length: B, sentAt: t0 })
  s.inflight.get(0)!.requesters.forEach((set) => set?.add(b))
  assert.equal(s.fill(new FakePeer(100), t0 + 10), 0, 'unmeasured: it might be a peer that never answers')
  const fast = Object.assign(new FakePeer(100), { minLatency: 20, rate: 2_000_000 })
  assert.equal(s.fill(fast, t0 + 10), 4, 'two live copies, both far later than the fast peer')
  assert.equal(cancelled.length, 4, 'the later copy of each is given up')
  assert.equal(a.outstanding.size + b.outstanding.size, 4, 'two live copies of each block, one of them the fast peer\'s')
  assert.equal(cancelled[0]![0], b, 'block 0: b\'s copy (400 ms away, a\'s 300) is the later')
})

test('scheduler: the last blocks of an urgent piece wait for room at near fast peers rather than go to a slow distant one; a piece too big for them still spreads', () => {
  const big: TorrentInfo = { infoHash: '0'.repeat(40), name: 'x', length: 2 * 16 * B, pieceLength: 16 * B, pieceCount: 2, files: [] }
  const run = (fastRate: number): { fast: number, slow: number, again: number } => {
    const sent: Array<[FakePeer, number, number]> = []
    const s = new Scheduler<FakePeer>(big, { have: () => false, send: (p, piece, offset) => { sent.push([p, piece, offset]) }, cancel: () => {} })
    s.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
    // near and fast, pipeline 2 (+4 urgent): six blocks at most; 1 Mbit-ish and 250 ms away
    const fast = Object.assign(new FakePeer(2), { minLatency: 10, rate: fastRate })
    const slow = Object.assign(new FakePeer(100), { minLatency: 250, rate: 128 * 1024 })
    const t0 = Date.now()
    s.spreadUrgent([fast, slow], t0)
    const first = { fast: sent.filter(([p]) => p === fast).length, slow: sent.filter(([p]) => p === slow).length }
    // the fast peer delivers two: the next pass gives it two more of the rest
    for (const [p, , offset] of sent.filter(([p]) => p === fast).slice(0, 2)) s.onBlock(p, 0, offset, Buffer.alloc(B), t0 + 20)
    const before = sent.length
    s.spreadUrgent([fast, slow], t0 + 20)
    return { ...first, again: sent.slice(before).filter(([p]) => p === fast).length }
  }
  // 2 MB/s at 10 ms delivers the ten other blocks long before one block from 250 ms away
  assert.deepEqual(run(2_000_000), { fast: 6, slow: 0, again: 2 })
  // at 256 KiB/s it cannot: the slow peer takes a share of the piece
  const slowShare = run(256 * 1024)
  assert.equal(slowShare.fast, 6)
  assert.ok(slowShare.slow > 0, `the slow peer took ${slowShare.slow} blocks`)
})

test('scheduler: before any block, a peer\'s handshake round trip tells a near peer from a distant one', () => {
  const pick = (handshakes: boolean): string[] => {
    const { s, sent } = setup()
    s.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
    const near = Object.assign(new FakePeer(100), handshakes ? { handshakeMs: 10 } : {})
    const far = Object.assign(new FakePeer(100), handshakes ? { handshakeMs: 300 } : {})
    const known = Object.assign(new FakePeer(100), { minLatency: 200, rate: 256 * 1024 })
    s.spreadUrgent([far, known, near], Date.now())
    return sent.map(([p]) => p === near ? 'near' : p === far ? 'far' : 'known').sort()
  }
  // 4 blocks: the near one's two (10 ms away), then the measured one's; nothing 300 ms away
  assert.deepEqual(pick(true), ['known', 'known', 'near', 'near'])
  // all unmeasured peers look alike without it: the distant one takes a block
  assert.ok(pick(false).includes('far'))
})

test('scheduler: a shallow want (a probing reader\'s window) gets a block of a peer only while nothing else is queued there', () => {
  const { s, sent } = setup()
  // piece 1 shallow, piece 2 a streaming reader's window, piece 3 a deferred read
  s.sources.add({ collect: add => { add(1, 'readahead', Infinity, 0, true); add(2, 'readahead', Infinity, 5, false); add(3, 'deferred', Infinity, 0) } })
  assert.deepEqual(s.wants().map((w) => [w.piece, w.shallow]), [[2, false], [1, true], [3, false]], 'deep before shallow within a class')
  const idle = new FakePeer(100, new Set([1]))
  assert.equal(s.fill(idle), 1, 'an idle peer: one block')
  assert.equal(s.fill(idle), 0, 'no second one while the first is outstanding')
  s.onBlock(idle, 1, 0, Buffer.alloc(B))
  assert.equal(s.fill(idle), 1, 'and the next once it arrived')
  const busy = new FakePeer(100, new Set([1, 3]))
  assert.equal(s.fill(busy), 5, 'deeper work after the shallow want still fills the pipeline')
  assert.deepEqual(sent.filter(([p]) => p === busy).map(([, piece]) => piece), [1, 3, 3, 3, 3], 'one shallow block, then the deferred read')
  // wanted deep by another source too, it is not shallow
  s.sources.add({ collect: add => { add(4, 'readahead', Infinity, 0, true) } })
  s.sources.add({ collect: add => { add(4, 'deferred', Infinity, 0) } })
  s.invalidate()
  assert.equal(s.wanted(4)?.shallow, false)
  assert.equal(s.fill(new FakePeer(100, new Set([4]))), 4, 'piece 4 at full depth')
})

test('scheduler: blocks cancelled at a peer still come before anything asked of it later: the next urgent piece goes elsewhere until they should be sent', () => {
  const big: TorrentInfo = { infoHash: '0'.repeat(40), name: 'x', length: 3 * 16 * B, pieceLength: 16 * B, pieceCount: 3, files: [] }
  const sent: Array<[FakePeer, number]> = []
  const s = new Scheduler<FakePeer>(big, { have: () => false, send: (p, piece) => { sent.push([p, piece]) }, cancel: () => {} })
  // three alike: 10 ms away, 1 MB/s (16 ms a block)
  const [a, b, c] = [0, 1, 2].map(() => Object.assign(new FakePeer(100), { minLatency: 10, rate: 1_000_000 }))
  let urgent = 0
  s.sources.add({ collect: add => { add(urgent, 'urgent', Date.now() + 60_000, 0) } })
  const t0 = Date.now()
  assert.equal(s.spreadUrgent([a!], t0), 16, 'a takes the whole of piece 0')
  // the read moves on: piece 0's sixteen requests are cancelled, but a sends them anyway (256 ms)
  urgent = 1
  s.invalidate()
  assert.equal(s.spreadUrgent([a!, b!], t0), 16)
  const of = (piece: number, p: FakePeer): number => sent.filter(([q, i]) => q === p && i === piece).length
  assert.deepEqual([of(1, a!), of(1, b!)], [0, 16], 'b delivers all sixteen before a would deliver one')
  // long after: the estimate has lapsed, a is like any other peer again
  urgent = 2
  s.invalidate()
  assert.equal(s.spreadUrgent([a!, c!], t0 + 1000), 16)
  assert.deepEqual([of(2, a!), of(2, c!)], [8, 8])
})

test('scheduler: a peer asked little (its measured rate a few KiB/s) still counts as a home uplink, not as one block a second', () => {
  const { s, sent } = setup()
  s.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
  // a near peer we asked a block or two per read (its tick average: 2 KB/s), and a far slow one
  const quiet = Object.assign(new FakePeer(100), { minLatency: 20, rate: 2_000 })
  const far = Object.assign(new FakePeer(100), { minLatency: 600, rate: 60_000 })
  assert.equal(s.spreadUrgent([far, quiet]), 4)
  assert.deepEqual(sent.map(([p]) => p === quiet ? 'quiet' : 'far'), ['quiet', 'quiet', 'quiet', 'quiet'])
})

test('scheduler: cancelled blocks a peer sends anyway show its pace', () => {
  const big: TorrentInfo = { infoHash: '0'.repeat(40), name: 'x', length: 2 * 16 * B, pieceLength: 16 * B, pieceCount: 2, files: [] }
  const sent: Array<[FakePeer, number]> = []
  const s = new Scheduler<FakePeer>(big, { have: () => false, send: (p, piece) => { sent.push([p, piece]) }, cancel: () => {} })
  // measured, but asked too little to be paced: counted as a home uplink (128 KiB/s)
  const far = Object.assign(new FakePeer(100), { minLatency: 300, rate: 1 })
  const near = Object.assign(new FakePeer(100), { minLatency: 10, rate: 300_000 })
  let urgent = 0
  s.sources.add({ collect: add => { add(urgent, 'urgent', Date.now() + 60_000, 0) } })
  const t0 = Date.now()
  assert.equal(s.spreadUrgent([far], t0), 16)
  urgent = 1
  s.invalidate()
  s.wants() // piece 0 dropped: its sixteen requests at `far` cancelled
  // it sends them anyway, one every 16 ms (1 MB/s)
  for (let b = 0; b < 6; b++) s.onBlock(far, 0, b * B, Buffer.alloc(B), t0 + 300 + 16 * b)
  // long after (its backlog sent)
  s.spreadUrgent([far, near], t0 + 5000)
  const farShare = sent.filter(([p, piece]) => p === far && piece === 1).length
  // at 1 MB/s 300 ms away it delivers blocks 6-16 before `near` (55 ms a block) would
  assert.ok(farShare >= 8, `far took ${farShare} of piece 1`)
})

test('scheduler: a pace counts only blocks the peer sent back to back, not a gap where it waited for our request', () => {
  const big: TorrentInfo = { ...info, pieceLength: 64 * B, length: 4 * 64 * B }
  const sch = new Scheduler<FakePeer>(big, { have: () => false, send: () => {}, cancel: () => {} })
  sch.sources.add({ collect: add => { add(0, 'urgent', Date.now() + 60_000, 0) } })
  // 40 ms away, sends a block every 8 ms (2 MB/s)
  const peer = Object.assign(new FakePeer(4), { minLatency: 40 })
  const deliver = (at: number): void => {
    const o = [...peer.outstanding.values()][0]!
    sch.onBlock(peer, o.piece, o.offset, Buffer.alloc(B), at)
  }
  const t = Date.now()
  assert.equal(sch.spreadUrgent([peer], t, 3), 3)
  deliver(t + 40)
  deliver(t + 48)
  // three more asked while one is still outstanding: the peer idles from the third block (56)
  // until they reach it (68), so they arrive from 88, not from 64
  assert.equal(sch.spreadUrgent([peer], t + 48, 3), 3)
  for (const at of [t + 56, t + 88, t + 96, t + 104]) deliver(at)
  // at 2 MB/s its round trip plus 50 ms is 12 blocks; with the idle gap counted in its pace
  // (1.3 MB/s) it would get its pipeline plus the urgent overflow, 8
  assert.equal(sch.spreadUrgent([peer], t + 110), 12)
})
