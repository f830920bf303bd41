// Live swarm health (src/releases/health.ts) against real peers on 127.0.0.1: a webtorrent
// seeder behind the local tracker, scripted raw peers (test/helpers/hostile-peer.ts) that
// play leechers, bitfield seeders and silent peers and record everything the probe sends,
// and a two-node DHT on loopback. Nothing talks to the internet.
import { randomBytes } from 'node:crypto'
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { Client as Dht } from 'bittorrent-dht'
import { freePort } from '../helpers/clients.ts'
import { KiB, fixtureDir, singleFileSpec, writeFixture } from '../helpers/fixtures.ts'
import { HostileListener, type HostilePeer, describeCrashes, extendedHandshake, handshake, message, trapCrashes, u32 } from '../helpers/hostile-peer.ts'
import { magnetLink, peerHint, startSeeder, type Seeder, type SeederStats } from '../helpers/seeder.ts'
import { startTracker, type Tracker } from '../helpers/tracker.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'
import { createLogger } from '../../src/logger.ts'
import { SwarmHealth, type SwarmHealthSettings } from '../../src/releases/health.ts'
import { peerAddress, peerKind } from '../../src/releases/health-pieces.ts'

/** the probe's peer id starts with this, so the tracker's log tells its announces apart */
const PROBE_PREFIX = '-MMHLTH-'

function healthService (t: TestContext, over: Partial<SwarmHealthSettings> = {}): SwarmHealth {
  const h = new SwarmHealth({
    timeoutMs: 20_000,
    cacheTtlMs: 60_000,
    maxConcurrent: 4,
    maxPeersPerSwarm: 8,
    enoughPeers: 8,
    trackers: [],
    maxTrackers: 10,
    dht: null,
    peerId: Buffer.concat([Buffer.from(PROBE_PREFIX), randomBytes(12)]),
    ...over
  }, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'))
  t.after(async () => { await h.close() })
  return h
}

/** A seeder of a 20-piece file announcing to a fresh local tracker. */
async function trackedSeeder (t: TestContext): Promise<{ tracker: Tracker, seeder: Seeder }> {
  const tracker = await startTracker(t, { intervalMs: 60_000 })
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(20 * 16 * KiB - 100, 'health probe.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB, announce: [tracker.httpUrl] })
  await waitFor(() => tracker.peers(seeder.infoHash).length > 0, 10_000, 'the seeder to announce')
  return { tracker, seeder }
}

/** 'start' announces the probe made to `tracker`. */
function probeStarts (tracker: Tracker): number {
  const hex = Buffer.from(PROBE_PREFIX).toString('hex')
  return tracker.log.filter((e) => e.event === 'start' && e.peerId.startsWith(hex)).length
}

/** A bitfield for `pieces` pieces with the first `have` set (spare bits clear). */
function bitfield (pieces: number, have: number): Buffer {
  const b = Buffer.alloc(Math.ceil(pieces / 8))
  for (let i = 0; i < have; i++) b[i >> 3]! |= 0x80 >> (i & 7)
  return b
}

/** A raw peer of `infoHash` that answers every dial with a handshake, an extended handshake without ut_metadata, and `bits` (none: silence after the handshake). */
async function scriptedPeer (t: TestContext, infoHash: string, bits: Buffer | null): Promise<HostileListener> {
  return await HostileListener.start(t, (p) => {
    const msgs = [handshake(infoHash, { extended: true }), extendedHandshake({ m: {}, v: 'scripted' })]
    if (bits !== null) msgs.push(message(5, bits))
    void p.send(...msgs)
  })
}

/** The probe must never ask for data: no INTERESTED (2), no REQUEST (6), and it offers no bitfield (5). */
function assertAskedNothing (peers: HostilePeer[]): void {
  for (const p of peers) {
    assert.ok(p.remoteHandshake !== null, 'the probe sent its handshake')
    const ids = p.frames.map((f) => f.id)
    assert.ok(!ids.includes(2) && !ids.includes(6) && !ids.includes(5), `the probe sent messages ${ids.join(',')}`)
  }
}

/**
 * webtorrent's `uploaded` counts every byte it writes to a peer (handshakes, HAVE_ALL, the
 * metadata), not only piece data: anything served from the torrent would be a whole block
 * (16 KiB, the smallest here 100 bytes less), so less than that means no block was sent.
 */
function assertNoBlockSent (stats: SeederStats, seeder: Seeder): void {
  const smallestBlock = seeder.length - (seeder.pieceCount - 1) * seeder.pieceLength
  assert.ok(stats.uploaded < Math.min(smallestBlock, 16 * KiB), `the seeder wrote ${stats.uploaded} bytes to the probe: more than the handshakes and the metadata`)
}

test('a seeder behind a tracker: reached, counted as seeder, metadata checked, not one piece uploaded, everything closed', { timeout: 60_000 }, async (t) => {
  const { tracker, seeder } = await trackedSeeder(t)
  const health = healthService(t)
  const [r] = await health.check([seeder.magnetNoPeer])
  assert.ok(r !== undefined)
  assert.equal(r.infoHash, seeder.infoHash)
  assert.equal(r.peersFound, 1)
  assert.equal(r.peersReached, 1)
  assert.equal(r.seeders, 1)
  assert.equal(r.leechers, 0)
  assert.equal(r.metadata, true)
  assert.equal(r.name, seeder.name)
  assert.equal(r.size, seeder.length)
  assert.equal(r.files, 1)
  assert.equal(r.cached, false)
  assert.equal(r.error, undefined)
  assert.ok(r.ms >= 0 && Number.isFinite(Date.parse(r.checkedAt)))
  // the scrape ran before the announce: the tracker's counts do not include the probe
  assert.deepEqual(r.trackers, [{ url: tracker.httpUrl, ok: true, seeders: 1, leechers: 0 }])

  assertNoBlockSent(await seeder.stats(), seeder)
  // the probe closed its connection, and told the tracker it left
  await waitFor(async () => (await seeder.stats()).openPeerSockets === 0, 10_000, 'the probe to close its connection to the seeder')
  const hex = Buffer.from(PROBE_PREFIX).toString('hex')
  await waitFor(() => tracker.log.some((e) => e.event === 'stop' && e.peerId.startsWith(hex)), 10_000, "the probe's 'stopped' announce")
  assert.deepEqual(tracker.peers(seeder.infoHash), [peerHint(seeder.port)], 'only the seeder is left in the swarm')
})

test('a mixed swarm: HAVE_ALL and complete-bitfield peers are seeders, an empty bitfield a leecher; none is asked for data', { timeout: 60_000 }, async (t) => {
  const { seeder } = await trackedSeeder(t)
  const full = await scriptedPeer(t, seeder.infoHash, bitfield(seeder.pieceCount, seeder.pieceCount))
  const empty = await scriptedPeer(t, seeder.infoHash, bitfield(seeder.pieceCount, 0))
  const partial = await scriptedPeer(t, seeder.infoHash, bitfield(seeder.pieceCount, seeder.pieceCount - 1))
  const health = healthService(t)
  const magnet = seeder.magnetNoPeer + [full, empty, partial].map((l) => `&x.pe=${peerHint(l.port)}`).join('')
  const [r] = await health.check([magnet])
  assert.ok(r !== undefined)
  assert.equal(r.peersFound, 4)
  assert.equal(r.peersReached, 4)
  assert.equal(r.metadata, true)
  assert.equal(r.seeders, 2, 'the webtorrent seeder (HAVE_ALL) and the complete bitfield')
  assert.equal(r.leechers, 2, 'the empty and the one-short bitfield')
  assertAskedNothing([...full.accepted, ...empty.accepted, ...partial.accepted])
  assertNoBlockSent(await seeder.stats(), seeder)
  for (const p of [...full.accepted, ...empty.accepted, ...partial.accepted]) await p.waitClosed(10_000, 'the probe to close its connection')
})

test('a leecher-only swarm: the peer is a leecher, there is no metadata, and the probe ends once the peer has shown its pieces', { timeout: 30_000 }, async (t) => {
  const infoHash = randomBytes(20).toString('hex')
  const leecher = await scriptedPeer(t, infoHash, Buffer.alloc(3))
  // the probe may take a minute: only its early end lets this test finish in time
  const health = healthService(t, { timeoutMs: 120_000 })
  const [r] = await health.check([magnetLink(infoHash, 'leechers only', [], [peerHint(leecher.port)])])
  assert.ok(r !== undefined)
  assert.deepEqual({ found: r.peersFound, reached: r.peersReached, seeders: r.seeders, leechers: r.leechers, metadata: r.metadata, trackers: r.trackers },
    { found: 1, reached: 1, seeders: 0, leechers: 1, metadata: false, trackers: [] })
  assertAskedNothing(leecher.accepted)
})

test('a peer that breaks the protocol is dropped and counted as neither seeder nor leecher; nothing escapes', { timeout: 30_000 }, async (t) => {
  const crashes = trapCrashes(t)
  const infoHash = randomBytes(20).toString('hex')
  // a complete-looking bitfield, then a length prefix far beyond any message the probe accepts
  const liar = await HostileListener.start(t, (p) => {
    void p.send(handshake(infoHash, { extended: true }), extendedHandshake({ m: {} }), message(5, Buffer.from([0xff])), u32(0x7fff_ffff))
  })
  const leecher = await scriptedPeer(t, infoHash, Buffer.alloc(1))
  const health = healthService(t, { timeoutMs: 120_000 })
  const [r] = await health.check([magnetLink(infoHash, 'liar', [], [peerHint(liar.port), peerHint(leecher.port)])])
  assert.deepEqual({ reached: r?.peersReached, seeders: r?.seeders, leechers: r?.leechers }, { reached: 2, seeders: 0, leechers: 1 })
  await liar.accepted[0]!.waitClosed(5000, 'the probe to drop the peer')
  assert.equal(crashes.length, 0, describeCrashes(crashes))
})

test('a dead hash: the tracker knows no peers; an unreachable tracker is reported; both end without waiting for the timeout', { timeout: 30_000 }, async (t) => {
  const tracker = await startTracker(t)
  const health = healthService(t, { timeoutMs: 120_000 })
  const dead = randomBytes(20).toString('hex')
  const refused = `http://127.0.0.1:${await freePort()}/announce`
  const [r] = await health.check([magnetLink(dead, 'nobody', [tracker.httpUrl, refused])])
  assert.ok(r !== undefined)
  assert.deepEqual({ found: r.peersFound, reached: r.peersReached, seeders: r.seeders, leechers: r.leechers, metadata: r.metadata },
    { found: 0, reached: 0, seeders: 0, leechers: 0, metadata: false })
  assert.equal(r.trackers.length, 2)
  assert.equal(r.trackers[0]!.ok, true)
  assert.equal(r.trackers[0]!.seeders ?? 0, 0)
  assert.equal(r.trackers[1]!.ok, false)
  assert.match(r.trackers[1]!.error ?? '', /ECONNREFUSED/)

  // no trackers, no hints, no DHT: nowhere to look, said at once
  const [none] = await health.check([randomBytes(20).toString('hex')])
  assert.match(none?.error ?? '', /nowhere to look for peers/)
})

test('results are cached by info hash for cacheTtlMs (no new announce), concurrent checks share one probe', { timeout: 60_000 }, async (t) => {
  const { tracker, seeder } = await trackedSeeder(t)
  let now = 1_000_000
  const health = healthService(t, { cacheTtlMs: 5 * 60_000, now: () => now })

  // three checks at once, one of them naming the hash twice: one probe, one announce
  const all = await Promise.all([health.check([seeder.magnetNoPeer]), health.check([seeder.magnetNoPeer, seeder.infoHash]), health.check([seeder.magnetNoPeer])])
  assert.equal(probeStarts(tracker), 1, 'one announce for four concurrent checks of one hash')
  const first = all[0]![0]!
  for (const r of all.flat()) assert.deepEqual(r, first, 'every caller gets the shared probe result')
  assert.equal(first.cached, false)
  assert.equal(first.seeders, 1)

  now += 4 * 60_000
  const [again] = await health.check([seeder.magnetNoPeer])
  assert.deepEqual(again, { ...first, cached: true })
  assert.equal(probeStarts(tracker), 1, 'a cached result announces nothing')

  now += 2 * 60_000
  const [fresh] = await health.check([seeder.magnetNoPeer])
  assert.equal(fresh?.cached, false, 'an expired result is probed again')
  assert.equal(probeStarts(tracker), 2)
})

test('at most maxConcurrent swarms at once: the second waits until the first ended', { timeout: 30_000 }, async (t) => {
  const [a, b] = [randomBytes(20).toString('hex'), randomBytes(20).toString('hex')]
  let bDialledAt = 0
  const silentA = await HostileListener.start(t)
  const silentB = await HostileListener.start(t, () => { bDialledAt = Date.now() })
  const health = healthService(t, { maxConcurrent: 1, timeoutMs: 1500 })
  const [ra, rb] = await health.check([magnetLink(a, 'a', [], [peerHint(silentA.port)]), magnetLink(b, 'b', [], [peerHint(silentB.port)])])
  assert.equal(silentA.accepted.length, 1)
  assert.equal(silentB.accepted.length, 1)
  assert.ok(bDialledAt >= Date.parse(ra!.checkedAt), 'the second swarm was dialled after the first probe ended')
  // silent peers completed no handshake
  assert.equal(ra!.peersReached + rb!.peersReached, 0)
})

test('close() aborts probes in flight and waiting ones with ClosedError, closes their sockets, refuses new checks', { timeout: 30_000 }, async (t) => {
  const silent = await HostileListener.start(t)
  const health = healthService(t, { maxConcurrent: 1, timeoutMs: 120_000 })
  const magnets = [randomBytes(20).toString('hex'), randomBytes(20).toString('hex')].map((h) => magnetLink(h, 'x', [], [peerHint(silent.port)]))
  const inFlight = health.check([magnets[0]!])
  const waiting = health.check([magnets[1]!])
  const peer = await silent.next(10_000)
  await withTimeout(health.close(), 5000, 'close()')
  await assert.rejects(inFlight, { code: 'closed' })
  await assert.rejects(waiting, { code: 'closed' })
  await peer.waitClosed(5000, 'the probe to close its socket on close()')
  assert.equal(silent.accepted.length, 1, 'the waiting swarm was never dialled')
  await assert.rejects(health.check([magnets[0]!]), { code: 'closed' })
})

test('invalid input is refused before anything is probed', async (t) => {
  const health = healthService(t)
  await assert.rejects(health.check(['magnet:?xt=urn:btih:nothex']), { code: 'invalid_input', message: /magnets\[0\]/ })
  await assert.rejects(health.check(['a'.repeat(40), 'http://example.com/x.torrent']), { code: 'invalid_input', message: /magnets\[1\]/ })
  await assert.rejects(health.check([]), { code: 'invalid_input' })
  await assert.rejects(health.check(['a'.repeat(40)], { timeoutMs: 0 }), { code: 'invalid_input' })
})

test('peers from the DHT: a get_peers lookup on a loopback DHT finds the seeder, and the lookup listener goes with the probe', { timeout: 60_000 }, async (t) => {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(64 * KiB, 'dht.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB })
  const nodes = [new Dht({ bootstrap: false, host: '127.0.0.1' }), new Dht({ bootstrap: false, host: '127.0.0.1' })]
  t.after(async () => { await Promise.all(nodes.map(async (n) => { await new Promise<void>((resolve) => { n.destroy(() => { resolve() }) }) })) })
  const [announcer, probeNode] = nodes as [Dht, Dht]
  await Promise.all(nodes.map(async (n) => { await new Promise<void>((resolve) => { n.listen(0, resolve) }) }))
  const port = (n: Dht): number => (n as unknown as { address (): { port: number } }).address().port
  announcer.addNode({ host: '127.0.0.1', port: port(probeNode) })
  probeNode.addNode({ host: '127.0.0.1', port: port(announcer) })
  const tableSize = (n: Dht): number => (n as unknown as { toJSON (): { nodes: unknown[] } }).toJSON().nodes.length
  await waitFor(() => nodes.every((n) => tableSize(n) > 0), 10_000, 'the two DHT nodes to know each other')
  // the seeder's address goes into the DHT as if it had announced itself
  const announce = (announcer as unknown as { announce (h: string, p: number, cb: (err?: Error) => void): void }).announce.bind(announcer)
  await new Promise<void>((resolve, reject) => { announce(seeder.infoHash, seeder.port, (err) => { if (err != null) reject(err); else resolve() }) })

  const health = healthService(t, { dht: probeNode })
  const [r] = await health.check([magnetLink(seeder.infoHash, seeder.name)])
  assert.ok(r !== undefined)
  assert.equal(r.peersFound, 1)
  assert.equal(r.seeders, 1)
  assert.equal(r.metadata, true)
  assert.equal(probeNode.listenerCount('peer'), 0, "the probe's DHT listener is gone")
})

test('peerKind: seeders only with every piece (or HAVE_ALL); without the metadata only what a bitfield proves', () => {
  const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes)
  const kind = (bits: Uint8Array, pieceCount: number | null, bitfieldBytes: number | null = bits.length, haveAll = false): string =>
    peerKind({ bits, haveAll, bitfieldBytes }, pieceCount)
  // with the piece count (10 pieces: two bytes, six spare bits)
  assert.equal(kind(b(0xff, 0xc0), 10), 'seeder')
  assert.equal(kind(b(0xff, 0x80), 10), 'leecher', 'one piece short')
  assert.equal(kind(b(0xff, 0xc0, 0, 0), 10, null), 'seeder', 'HAVEs grew the buffer with zero bytes')
  assert.equal(kind(b(0xff, 0xe0), 10), 'unknown', 'a spare bit set breaks BEP 3')
  assert.equal(kind(b(), 10, null), 'leecher', 'announced nothing')
  assert.equal(kind(b(), 10, null, true), 'seeder', 'HAVE_ALL')
  // without it
  assert.equal(kind(b(0, 0), null), 'leecher', 'an empty bitfield')
  assert.equal(kind(b(0xfe, 0xc0), null), 'leecher', 'a gap before the last set bit')
  assert.equal(kind(b(0xff, 0x00, 0x00), null), 'leecher', 'the first of three bytes alone cannot be every piece')
  assert.equal(kind(b(0xff, 0xc0), null), 'unknown', 'could be 10 of 10 pieces, or 10 of 16')
  assert.equal(kind(b(0xff, 0xc0, 0, 0), null, null), 'unknown', 'HAVEs alone: the length says nothing')
  assert.equal(kind(b(), null, null, true), 'seeder')
})

test('peerAddress: IP addresses with a port from trackers and the DHT; host names only from magnet hints', () => {
  assert.equal(peerAddress('127.0.0.1:6881'), '127.0.0.1:6881')
  assert.equal(peerAddress('[::1]:6881'), '[::1]:6881')
  assert.equal(peerAddress('::ffff:10.0.0.1:51413'), '10.0.0.1:51413')
  for (const bad of ['127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1', ':80', '127.0.0.1:8a', 'tracker.example:80']) assert.equal(peerAddress(bad), null, bad)
  assert.equal(peerAddress('seedbox.lan:51413', true), 'seedbox.lan:51413')
  assert.equal(peerAddress('bad host:1', true), null)
})
