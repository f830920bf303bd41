// Engine robustness on the peer wire: scripted hostile peers (test/helpers/hostile-peer.ts)
// speaking raw BitTorrent over TCP on 127.0.0.1, in both directions: connecting in to the
// engine's listen port, and dialed by the engine through x.pe hints while it fetches metadata.
// For every case: no uncaught exception or unhandled rejection, a real read from a real
// webtorrent seeder stays byte-exact while and after the hostile peer acts, and a peer that
// broke the protocol is dropped (its socket closed by the engine) within a bounded time, while
// one that only sent odd but legal things stays connected and keeps being answered.
//
// PEX is on in these engines, and ut_pex's 65 s timer runs every 100 ms (fastPexInterval), so
// that PEX sends happen while the hostile peers are connected.
import { createHash } from 'node:crypto'
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { KiB, fixtureDir, singleFileSpec, writeFixture, type Fixture } from '../helpers/fixtures.ts'
import { magnetLink, startSeeder, type Seeder } from '../helpers/seeder.ts'
import { freePort } from '../helpers/clients.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { assertInfoMatches, readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'
import {
  HostileListener, HostilePeer, bdecode, bencode, describeCrashes, extended, extendedHandshake, fastPexInterval, handshake,
  message, trapCrashes, u32, type BValue
} from '../helpers/hostile-peer.ts'
import { maxMessageLength } from '../../src/torrent/wire-checks.ts'
import type { Torrent, TorrentService } from '../../src/torrent/types.ts'

const P = 16 * KiB
/** 61 pieces, the last one short: the bitfield has 3 spare bits and the last piece its own bounds */
const LENGTH = 60 * P + 5000
const PIECES = 61
const LAST_PIECE = 5000
/** a peer that broke the protocol is closed within this (generous: the machine is shared) */
const DROP_MS = 10_000
/** the engine's own handshake deadline for an incoming connection is 15 s (network.ts) */
const HANDSHAKE_DROP_MS = 25_000

interface Setup { fx: Fixture, seeder: Seeder, port: number, engine: TorrentService, torrent: Torrent }

/** A torrent seeded by webtorrent, loaded in an engine (PEX on) listening on a known port. */
async function setup (t: TestContext, name: string, extraHints: string[] = []): Promise<Setup> {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(LENGTH, name))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P })
  assert.equal(seeder.pieceCount, PIECES)
  const port = await freePort()
  const { engine } = await createTestEngine(t, { add_timeout: 20, read_timeout: 30, pex: true, listen_port: port })
  const magnet = seeder.magnet + extraHints.map((h) => `&x.pe=${h}`).join('')
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, magnet), 25_000, 'getOrAddTorrent from the seeder')
  return { fx, seeder, port, engine, torrent }
}

/** Reads piece `piece` and compares it with the fixture (a piece never read before comes from the seeder). */
async function readPiece (s: Setup, piece: number, what: string): Promise<void> {
  const len = piece === PIECES - 1 ? LAST_PIECE : P
  await readAndCompare(s.torrent, s.fx, s.torrent.info.files[0]!, piece * P, len, deadlineIn(20_000), what)
}

/** compact IPv4 peers (BEP 11 'added') as 'ip:port' */
function compactPeers (b: Uint8Array): string[] {
  const out: string[] = []
  for (let i = 0; i + 6 <= b.length; i += 6) out.push(`${b[i]}.${b[i + 1]}.${b[i + 2]}.${b[i + 3]}:${(b[i + 4]! << 8) | b[i + 5]!}`)
  return out
}

/** Every address the engine announced in the PEX messages `peer` received under `pexId`. */
function pexAdded (peer: HostilePeer, pexId: number): Set<string> {
  return new Set(peer.extendedFrames(pexId).flatMap((m) => {
    const d = bdecode(m).value as Record<string, BValue>
    return d.added instanceof Uint8Array ? compactPeers(d.added) : []
  }))
}

/** A dialed scripted peer: waits for the engine's handshake, answers with its info hash and `ext` as extended handshake. */
async function answer (p: HostilePeer, ext: Record<string, BValue> | null, opts: { infoHash?: string } = {}): Promise<void> {
  await p.waitUntil((x) => x.remoteHandshake !== null, 10_000, 'the engine\'s handshake')
  const infoHash = opts.infoHash ?? p.remoteHandshake!.subarray(28, 48).toString('hex')
  await p.send(handshake(infoHash), ...(ext === null ? [] : [extendedHandshake(ext)]))
}

test('PEX only with peers that advertise ut_pex: a peer without it does not crash the engine when PEX runs', { timeout: 90_000 }, async (t) => {
  const crashes = trapCrashes(t)
  const pexFired = fastPexInterval(t)
  // H is a peer the engine dials under a host name (an x.pe hint may be one): PEX cannot carry it
  const h = await HostileListener.start(t, (p) => { answer(p, { m: {} }).catch(() => {}) })
  const s = await setup(t, 'pex crash.bin', [`localhost:${h.port}`])
  const hp = await h.next(10_000, 'the engine to dial the localhost hint')
  await hp.waitUntil((p) => p.engineExtendedHandshake() !== undefined, 10_000, 'the engine\'s extended handshake to H')

  // A connects in and lists ut_metadata but not ut_pex (aria2 with PEX off, a private torrent's
  // client). It gives a listen port, so the engine has an address of it worth telling others.
  const aPort = await freePort()
  const a = await HostilePeer.connect(t, s.port)
  await a.send(handshake(s.seeder.infoHash), extendedHandshake({ m: { ut_metadata: 3 }, p: aPort, v: 'no pex' }))
  await a.waitUntil((p) => p.engineExtendedHandshake() !== undefined, 10_000, 'the engine\'s extended handshake to A')

  // B lists ut_pex: its PEX messages show when the engine's PEX timers have run
  const B_PEX_ID = 7
  const b = await HostilePeer.connect(t, s.port)
  await b.send(handshake(s.seeder.infoHash), extendedHandshake({ m: { ut_pex: B_PEX_ID }, p: await freePort(), v: 'pex' }))
  await b.waitUntil((p) => p.extendedFrames(B_PEX_ID).length >= 2, 15_000, 'two PEX messages from the engine to B')

  // A's timer (started before B's, same period) has fired by now, if the engine started one
  assert.ok(pexFired() >= 2, `PEX timers fired ${pexFired()} times`)
  assert.equal(crashes.length, 0, `uncaught errors while PEX ran:\n${describeCrashes(crashes)}`)
  assert.equal(a.closed, false, 'A did nothing wrong and stays connected')
  assert.equal(hp.closed, false, 'H did nothing wrong and stays connected')
  assert.equal(a.frames.some((f) => f.id === 20 && f.payload[0] !== 0 && f.payload[0] !== 3), false, 'the engine sent A no extension message under an id A did not list')

  // PEX itself works with B: it learnt A's listen address and the seeder's, not the host name
  const added = pexAdded(b, B_PEX_ID)
  assert.ok(added.has(`127.0.0.1:${aPort}`), `B was told about A (added: ${[...added].join(', ')})`)
  assert.ok(added.has(`127.0.0.1:${s.seeder.port}`), `B was told about the seeder (added: ${[...added].join(', ')})`)
  assert.equal(added.has(`127.0.0.1:${h.port}`), false, 'H, known only by its host name, is not announced')

  await readPiece(s, 5, 'read after PEX ran:')
  assert.equal(crashes.length, 0, `uncaught errors:\n${describeCrashes(crashes)}`)
})

// ---- hostile peers connecting in ----

/** what a hostile peer lists in its extended handshake unless its case says otherwise */
const HOSTILE_M = { ut_metadata: 1, ut_pex: 2, lt_donthave: 3 }

interface CaseCtx {
  infoHash: string
  /** the piece this case's concurrent read fetches (and that a case may target) */
  piece: number
  info: Torrent['info']
}

interface Case {
  name: string
  /** true: it broke the protocol and must be dropped; false: it must stay connected and be answered */
  drop: boolean
  /** how long the drop may take (default DROP_MS) */
  dropMs?: number
  /** the extended handshake sent after the handshake (default { m: HOSTILE_M }); null: the case does its own handshake */
  greet?: Record<string, BValue> | null
  run: (h: HostilePeer, c: CaseCtx) => Promise<void>
}

/** Handshake and extended handshake; resolves once the engine's extended handshake arrived. */
async function greet (h: HostilePeer, infoHash: string, ext: Record<string, BValue>): Promise<void> {
  await h.send(handshake(infoHash), extendedHandshake(ext))
  await h.waitUntil((p) => p.engineExtendedHandshake() !== undefined, DROP_MS, 'the engine\'s extended handshake')
}

/** INTERESTED, answered by UNCHOKE: the engine read everything sent before it and still talks to us. */
async function probe (h: HostilePeer, what: string): Promise<void> {
  await h.send(message(2))
  await h.waitUntil((p) => p.frames.some((f) => f.id === 1), DROP_MS, `${what}: UNCHOKE in answer to INTERESTED`)
}

/** The engine's id for one of its extensions, from its extended handshake to `h`. */
function engineId (h: HostilePeer, name: string): number {
  const id = h.engineExtId(name)
  assert.ok(id !== undefined, `the engine lists ${name}`)
  return id
}

const utMetadataMsg = (h: HostilePeer, dict: Record<string, BValue>, trailer: Buffer = Buffer.alloc(0)): Buffer =>
  extended(engineId(h, 'ut_metadata'), Buffer.concat([bencode(dict), trailer]))

const block = (n: number): Buffer => Buffer.alloc(n, 0xa5)

const cases: Case[] = [
  // framing: lengths the library would misread or buffer
  { name: 'length prefix 2^31 (the library reads it as negative: a keep-alive)', drop: true, run: async (h) => { await h.send(u32(2 ** 31), block(64)) } },
  { name: 'length prefix 2^31 - 1 (the library would buffer 2 GiB)', drop: true, run: async (h) => { await h.send(u32(2 ** 31 - 1), block(1024)) } },
  { name: 'length prefix 2^32 - 1', drop: true, run: async (h) => { await h.send(u32(2 ** 32 - 1), block(64)) } },
  { name: 'length prefix one byte over the largest message', drop: true, run: async (h, c) => { await h.send(u32(maxMessageLength(c.info) + 1), block(64)) } },
  { name: 'choke with a 4-byte payload', drop: true, run: async (h) => { await h.send(message(0, u32(0))) } },
  { name: 'interested with a payload', drop: true, run: async (h) => { await h.send(message(2, block(1))) } },
  { name: 'have of 3 bytes', drop: true, run: async (h) => { await h.send(message(4, block(2))) } },
  { name: 'request of 9 bytes', drop: true, run: async (h) => { await h.send(message(6, block(8))) } },
  { name: 'cancel of 5 bytes', drop: true, run: async (h) => { await h.send(message(8, u32(0))) } },
  { name: 'port of 5 bytes', drop: true, run: async (h) => { await h.send(message(9, u32(6881))) } },
  { name: 'extended message without an extension id', drop: true, run: async (h) => { await h.send(message(20)) } },
  // bitfields
  { name: 'bitfield one byte too long', drop: true, run: async (h) => { await h.send(message(5, block(Math.ceil(PIECES / 8) + 1))) } },
  { name: 'bitfield one byte too short', drop: true, run: async (h) => { await h.send(message(5, Buffer.alloc(Math.ceil(PIECES / 8) - 1, 0xff))) } },
  {
    name: 'bitfield with a spare bit set',
    drop: true,
    run: async (h) => {
      const bits = Buffer.alloc(Math.ceil(PIECES / 8), 0xff)
      bits[bits.length - 1] = 0xff // 61 pieces: the last byte's low 3 bits are spare
      await h.send(message(5, bits))
    }
  },
  { name: 'empty bitfield', drop: true, run: async (h) => { await h.send(message(5)) } },
  // HAVE
  { name: 'have for piece index = piece count', drop: true, run: async (h) => { await h.send(message(4, u32(PIECES))) } },
  { name: 'have for piece 2^32 - 1', drop: true, run: async (h) => { await h.send(message(4, u32(2 ** 32 - 1))) } },
  // PIECE
  { name: 'piece never requested (right size, wrong bytes, for the piece being read)', drop: true, run: async (h, c) => { await h.send(message(7, u32(c.piece), u32(0), block(P))) } },
  { name: 'piece with an index past the last piece', drop: true, run: async (h) => { await h.send(message(7, u32(PIECES), u32(0), block(P))) } },
  { name: 'piece with an offset past the end of the last piece', drop: true, run: async (h) => { await h.send(message(7, u32(PIECES - 1), u32(LAST_PIECE), block(16))) } },
  { name: 'piece with offset 2^31 (negative to the library)', drop: true, run: async (h, c) => { await h.send(message(7, u32(c.piece), u32(2 ** 31), block(P))) } },
  { name: 'piece with a block over 16 KiB', drop: true, run: async (h) => { await h.send(message(7, u32(0), u32(0), block(P + 1))) } },
  { name: 'piece without a block', drop: true, run: async (h) => { await h.send(message(7, u32(0), u32(0))) } },
  // REQUEST
  { name: 'request for a piece past the last', drop: true, run: async (h) => { await h.send(message(6, u32(PIECES), u32(0), u32(P))) } },
  { name: 'request past the end of the last piece', drop: true, run: async (h) => { await h.send(message(6, u32(PIECES - 1), u32(0), u32(LAST_PIECE + 1))) } },
  { name: 'request of 256 KiB', drop: true, run: async (h) => { await h.send(message(6, u32(0), u32(0), u32(256 * KiB))) } },
  { name: 'request of 0 bytes', drop: true, run: async (h) => { await h.send(message(6, u32(0), u32(0), u32(0))) } },
  { name: 'request at offset 2^32 - 1', drop: true, run: async (h) => { await h.send(message(6, u32(0), u32(2 ** 32 - 1), u32(P))) } },
  // the extension protocol (BEP 10)
  { name: 'extended handshake without any extension (no m)', drop: false, greet: { v: 'bare' }, run: async () => {} },
  {
    name: 'no extension bit in the handshake, then a ut_metadata request anyway',
    drop: false,
    greet: null,
    run: async (h, c) => {
      await h.send(handshake(c.infoHash, { extended: false }))
      await h.waitUntil((p) => p.remoteHandshake !== null, DROP_MS, 'the engine\'s handshake')
      // id 1: the engine's first extension, ut_metadata (it sent no extended handshake to this peer)
      await h.send(extended(1, bencode({ msg_type: 0, piece: 0 })))
    }
  },
  { name: 'extension ids out of range or of the wrong type', drop: false, greet: { m: { ut_metadata: 300, ut_pex: -1, lt_donthave: 'x', unknown_ext: 9 } }, run: async () => {} },
  {
    name: 'ut_pex listed, then turned off by a second extended handshake (ut_pex: 0)',
    drop: false,
    run: async (h) => {
      await h.waitUntil((p) => p.extendedFrames(HOSTILE_M.ut_pex).length >= 1, DROP_MS, 'a PEX message while ut_pex was listed')
      await h.send(extendedHandshake({ m: { ut_metadata: 1, ut_pex: 0, lt_donthave: 3 } }))
    }
  },
  { name: 'extension message under an id the engine never gave', drop: true, run: async (h) => { await h.send(extended(200, bencode({ x: 1 }))) } },
  { name: 'extended handshake that is not bencode', drop: true, run: async (h) => { await h.send(extended(0, Buffer.from('d1:md'))) } },
  { name: 'extended handshake that is a list', drop: true, run: async (h) => { await h.send(extended(0, bencode([1, 2]))) } },
  { name: 'extended handshake that is an integer', drop: true, run: async (h) => { await h.send(extended(0, bencode(5))) } },
  { name: 'extended handshake that is a string', drop: true, run: async (h) => { await h.send(extended(0, bencode('m'))) } },
  // ut_metadata (BEP 9) with an engine that has the metadata
  { name: 'ut_metadata request from a peer that did not list ut_metadata', drop: false, greet: { m: { ut_pex: 2 } }, run: async (h) => { await h.send(utMetadataMsg(h, { msg_type: 0, piece: 0 })) } },
  {
    name: 'ut_metadata request for metadata piece 2^31',
    drop: false,
    run: async (h) => {
      await h.send(utMetadataMsg(h, { msg_type: 0, piece: 2 ** 31 }))
      await h.waitUntil((p) => p.extendedFrames(HOSTILE_M.ut_metadata).length >= 1, DROP_MS, 'an answer to the ut_metadata request')
    }
  },
  { name: 'ut_metadata data of 20 KiB (the pieces are 16 KiB)', drop: true, run: async (h) => { await h.send(utMetadataMsg(h, { msg_type: 1, piece: 0, total_size: 20 * KiB }, block(20 * KiB))) } },
  { name: 'ut_metadata data nobody asked for, metadata piece 1000', drop: false, run: async (h) => { await h.send(utMetadataMsg(h, { msg_type: 1, piece: 1000, total_size: 100 }, block(100))) } },
  { name: 'ut_metadata message that is not bencode', drop: false, run: async (h) => { await h.send(extended(engineId(h, 'ut_metadata'), Buffer.from('xx'))) } },
  { name: 'ut_metadata with msg_type and piece of the wrong types', drop: false, run: async (h) => { await h.send(utMetadataMsg(h, { msg_type: 'x', piece: { a: 1 } })) } },
  { name: 'ut_metadata reject nobody asked for', drop: false, run: async (h) => { await h.send(utMetadataMsg(h, { msg_type: 2, piece: 0 })) } },
  { name: 'lt_donthave of 2 bytes', drop: false, run: async (h) => { await h.send(extended(engineId(h, 'lt_donthave'), block(2))) } },
  { name: 'ut_pex with an "added" list of 7 bytes', drop: false, run: async (h) => { await h.send(extended(engineId(h, 'ut_pex'), bencode({ added: block(7) }))) } },
  {
    name: 'ut_pex twice within a minute',
    drop: true,
    run: async (h) => { await h.send(extended(engineId(h, 'ut_pex'), bencode({ added: '' })), extended(engineId(h, 'ut_pex'), bencode({ added: '' }))) }
  },
  // the fast extension (BEP 6) was not negotiated
  { name: 'have-all without the fast extension', drop: true, run: async (h) => { await h.send(message(0x0e)) } },
  { name: 'suggest without the fast extension', drop: true, run: async (h) => { await h.send(message(0x0d, u32(0))) } },
  // unknown message ids are ignored (BEP 3)
  { name: 'unknown message id 0x42', drop: false, run: async (h) => { await h.send(message(0x42, block(10))) } },
  // handshakes and slow peers
  { name: 'handshake for a torrent the engine does not have', drop: true, greet: null, run: async (h) => { await h.send(handshake('ab'.repeat(20))) } },
  {
    name: 'slow drip: handshake, extended handshake and INTERESTED one byte per TCP segment',
    drop: false,
    greet: null,
    run: async (h, c) => {
      await h.drip(Buffer.concat([handshake(c.infoHash), extendedHandshake({ m: HOSTILE_M })]))
      await h.waitUntil((p) => p.engineExtendedHandshake() !== undefined, DROP_MS, 'the engine\'s extended handshake after the drip')
    }
  },
  { name: 'slow drip of a bitfield one byte too long', drop: true, run: async (h) => { await h.drip(message(5, block(Math.ceil(PIECES / 8) + 1))) } },
  { name: 'slow drip of a length prefix 2^31 - 1', drop: true, run: async (h) => { await h.drip(Buffer.concat([u32(2 ** 31 - 1), block(8)])) } }
]

/** Handshakes that never complete: only the engine's deadline ends them, so they run side by side. */
const slowCases: Case[] = [
  { name: 'handshake that stops after 30 bytes', drop: true, dropMs: HANDSHAKE_DROP_MS, greet: null, run: async (h, c) => { await h.send(handshake(c.infoHash).subarray(0, 30)) } },
  { name: 'an HTTP request instead of a handshake', drop: true, dropMs: HANDSHAKE_DROP_MS, greet: null, run: async (h) => { await h.send(Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')) } },
  {
    name: 'handshake with a wrong protocol string',
    drop: true,
    dropMs: HANDSHAKE_DROP_MS,
    greet: null,
    run: async (h, c) => {
      const hs = handshake(c.infoHash)
      hs.write('BitTorrent protocoX', 1)
      await h.send(hs)
    }
  },
  { name: 'connect and send nothing', drop: true, dropMs: HANDSHAKE_DROP_MS, greet: null, run: async () => {} },
  // read as the start of an MSE/PE handshake (a DH key), and then waited on like any other
  { name: '4 KiB of garbage instead of a handshake', drop: true, dropMs: HANDSHAKE_DROP_MS, greet: null, run: async (h) => { await h.send(block(4 * KiB)) } }
]

test('hostile peers connecting in: each is dropped or answered, and the engine keeps serving byte-exact reads', { timeout: 300_000 }, async (t) => {
  const crashes = trapCrashes(t)
  fastPexInterval(t)
  const s = await setup(t, 'fuzz in.bin')
  const infoHash = s.seeder.infoHash
  await readPiece(s, 0, 'first read:')

  // a well-behaved PEX peer kept connected throughout: the PEX messages it gets tell that the
  // engine's PEX timers ran (and would have tripped over a hostile peer still connected)
  const CLOCK_PEX = 9
  const clock = await HostilePeer.connect(t, s.port)
  await greet(clock, infoHash, { m: { ut_pex: CLOCK_PEX } })
  const pexRounds = async (n: number, what: string): Promise<void> => {
    const start = clock.extendedFrames(CLOCK_PEX).length
    await clock.waitUntil((p) => p.extendedFrames(CLOCK_PEX).length >= start + n, DROP_MS, `${what}: ${n} PEX rounds`)
  }

  const runCase = async (st: TestContext, c: Case, piece: number): Promise<void> => {
    const h = await HostilePeer.connect(st, s.port)
    // the read runs while the hostile peer acts
    const reading = readPiece(s, piece, `${c.name}: read while the hostile peer acts:`).then(() => null, (err: unknown) => err)
    const ctx: CaseCtx = { infoHash, piece, info: s.torrent.info }
    if (c.greet !== null) await greet(h, infoHash, c.greet ?? { m: HOSTILE_M })
    const actedAt = Date.now()
    await c.run(h, ctx)
    if (c.drop) {
      await h.waitClosed(c.dropMs ?? DROP_MS, `${c.name}: the engine to close the connection`)
      assert.ok(h.closedAt - actedAt <= (c.dropMs ?? DROP_MS), `${c.name}: dropped after ${h.closedAt - actedAt} ms`)
    } else {
      await probe(h, c.name)
      await pexRounds(2, c.name)
      assert.equal(h.closed, false, `${c.name}: a peer that broke no rule stays connected`)
    }
    const err = await reading
    if (err !== null) throw err
    assert.equal(crashes.length, 0, `${c.name}: uncaught errors:\n${describeCrashes(crashes)}`)
    h.destroy()
  }

  // the slow ones start first and are checked last; the others run one at a time meanwhile
  const slow = slowCases.map(async (c, i) => { await runCase(t, c, PIECES - 1 - i) }).map(async (p) => await p.then(() => null, (err: unknown) => err))
  for (const [i, c] of cases.entries()) {
    await t.test(c.name, async (st) => { await runCase(st, c, 1 + (i % (PIECES - 1 - slowCases.length - 1))) })
  }
  await t.test(`${slowCases.length} handshakes that never complete (run side by side)`, async () => {
    for (const err of await Promise.all(slow)) if (err !== null) throw err
  })

  assert.equal(clock.closed, false, 'the well-behaved PEX peer stayed connected throughout')
  assert.equal(crashes.length, 0, `uncaught errors:\n${describeCrashes(crashes)}`)
  t.diagnostic(`hostile cases connecting in: ${cases.length + slowCases.length}`)
})

// ---- hostile peers while the engine fetches metadata ----

/** The bencoded info dictionary inside a .torrent (what ut_metadata transfers). */
function infoBytes (torrentFile: Buffer): Buffer {
  const torrent = bdecode(torrentFile).value as Record<string, BValue>
  return bencode(torrent.info!)
}

/** ut_metadata data for metadata piece `piece` (BEP 9: a bencoded header, then the bytes). */
function metadataData (extId: number, piece: number, totalSize: number, bytes: Buffer): Buffer {
  return extended(extId, Buffer.concat([bencode({ msg_type: 1, piece, total_size: totalSize }), bytes]))
}

/** Calls `answer` for each ut_metadata request the engine sends `p` (under our id `ourId`). */
function onMetadataRequest (p: HostilePeer, ourId: number, answer: (piece: number) => void): void {
  p.onFrame = (f) => {
    if (f.id !== 20 || f.payload[0] !== ourId) return
    const req = bdecode(f.payload.subarray(1)).value as Record<string, BValue>
    if (req.msg_type === 0 && typeof req.piece === 'number') answer(req.piece)
  }
}

interface MetaCase {
  name: string
  drop: boolean
  /** scripts one connection; `meta` is the real info dictionary */
  script: (p: HostilePeer, meta: Buffer) => Promise<void>
}

const UT_METADATA = 1

const metaCases: MetaCase[] = [
  {
    name: 'serves metadata of the right size with one byte changed',
    drop: true,
    script: async (p, meta) => {
      const bad = Buffer.from(meta)
      const mid = bad.length >> 1
      bad[mid] = bad[mid]! ^ 0x01
      onMetadataRequest(p, UT_METADATA, (piece) => { void p.send(metadataData(engineId(p, 'ut_metadata'), piece, bad.length, bad.subarray(piece * P, (piece + 1) * P))) })
      await answer(p, { m: { ut_metadata: UT_METADATA }, metadata_size: meta.length })
    }
  },
  {
    name: 'answers a metadata request with metadata piece 7 (of 1)',
    drop: true,
    script: async (p, meta) => {
      onMetadataRequest(p, UT_METADATA, () => { void p.send(metadataData(engineId(p, 'ut_metadata'), 7, meta.length, block(100))) })
      await answer(p, { m: { ut_metadata: UT_METADATA }, metadata_size: meta.length })
    }
  },
  {
    name: 'sends metadata it never offered (no metadata_size), unasked',
    drop: true,
    script: async (p, meta) => {
      await answer(p, { m: { ut_metadata: UT_METADATA } })
      await p.waitUntil((x) => x.engineExtendedHandshake() !== undefined, DROP_MS, 'the engine\'s extended handshake')
      await p.send(metadataData(engineId(p, 'ut_metadata'), 0, meta.length, meta.subarray(0, P)))
    }
  },
  {
    name: 'turns ut_metadata off (ut_metadata: 0) once asked, then sends wrong metadata twice',
    drop: true,
    script: async (p, meta) => {
      const bad = Buffer.from(meta).fill(0x20, 0, 8)
      let answered = false
      onMetadataRequest(p, UT_METADATA, () => {
        if (answered) return
        answered = true
        const data = metadataData(engineId(p, 'ut_metadata'), 0, bad.length, bad.subarray(0, P))
        void p.send(extendedHandshake({ m: { ut_metadata: 0 } }), data, data)
      })
      await answer(p, { m: { ut_metadata: UT_METADATA }, metadata_size: meta.length })
    }
  },
  {
    name: 'answers the handshake with another info hash',
    drop: true,
    script: async (p) => { await answer(p, { m: { ut_metadata: UT_METADATA } }, { infoHash: 'cd'.repeat(20) }) }
  },
  {
    name: 'stops after 30 bytes of its handshake',
    drop: true,
    script: async (p) => {
      await p.waitUntil((x) => x.remoteHandshake !== null, DROP_MS, 'the engine\'s handshake')
      await p.send(handshake(p.remoteHandshake!.subarray(28, 48).toString('hex')).subarray(0, 30))
    }
  },
  {
    name: 'sends a length prefix of 2^31 after its handshake',
    drop: true,
    script: async (p) => {
      await answer(p, { m: { ut_metadata: UT_METADATA } })
      await p.send(u32(2 ** 31), block(64))
    }
  },
  {
    name: 'offers 1 GB of metadata (the engine must not ask, nor allocate it)',
    drop: false,
    script: async (p) => { await answer(p, { m: { ut_metadata: UT_METADATA }, metadata_size: 1e9 }) }
  }
]

test('hostile peers while fetching metadata: none poisons the torrent, violators are dropped, the seeder\'s metadata wins', { timeout: 180_000 }, async (t) => {
  const crashes = trapCrashes(t)
  fastPexInterval(t)
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(LENGTH, 'fuzz meta.bin'))
  // the seeder is stopped while the hostile peers act, and comes back at the same address
  const first = await startSeeder(t, { path: fx.root, pieceLength: P })
  const meta = infoBytes(first.torrentFile)
  assert.equal(createHash('sha1').update(meta).digest('hex'), first.infoHash, 'the info dictionary the hostile peers start from')
  await first.stop()

  const dialed: Array<{ c: MetaCase, listener: HostileListener }> = []
  for (const c of metaCases) {
    const listener = await HostileListener.start(t, (p) => {
      // the first connection is scripted; a redial (e.g. with MSE/PE after a failed handshake) gets silence
      if (listener.accepted.length === 1) c.script(p, meta).catch(() => {})
    })
    dialed.push({ c, listener })
  }
  const port = await freePort()
  const { engine } = await createTestEngine(t, { add_timeout: 90, read_timeout: 30, pex: true, listen_port: port })
  const magnet = magnetLink(first.infoHash, fx.name, [], [...dialed.map((d) => `127.0.0.1:${d.listener.port}`), `127.0.0.1:${first.port}`])
  const adding = engine.getOrAddTorrent(first.infoHash, magnet).then((torrent) => ({ torrent }), (err: unknown) => ({ err }))

  // and one that connects in while the torrent waits for metadata, serving bytes that are no bencode
  // (once the add has registered the torrent: before, the engine rightly closes an unknown hash)
  await waitFor(() => engine.listTorrents().some((x) => x.infoHash === first.infoHash), 10_000, 'the add registered its torrent')
  const incoming = await HostilePeer.connect(t, port)
  onMetadataRequest(incoming, UT_METADATA, (piece) => {
    void incoming.send(metadataData(engineId(incoming, 'ut_metadata'), piece, meta.length, block(Math.min(P, meta.length - piece * P))))
  })
  await greet(incoming, first.infoHash, { m: { ut_metadata: UT_METADATA }, metadata_size: meta.length })

  const peers = await Promise.all(dialed.map(async ({ c, listener }) => ({ c, p: await listener.next(DROP_MS, `the engine to dial the peer that ${c.name}`) })))
  peers.push({ c: { name: 'connects in and serves metadata that is no bencode', drop: true, script: async () => {} }, p: incoming })
  for (const { c, p } of peers.filter((x) => x.c.drop)) {
    await p.waitClosed(2 * DROP_MS, `the peer that ${c.name} to be dropped`)
  }
  const state = engine.listTorrents().find((x) => x.infoHash === first.infoHash)
  assert.equal(state?.state, 'metadata', 'no hostile peer got its metadata accepted')
  assert.equal(crashes.length, 0, `uncaught errors while the hostile peers acted:\n${describeCrashes(crashes)}`)
  const huge = peers.find((x) => !x.c.drop)!.p
  assert.equal(huge.extendedFrames(UT_METADATA).length, 0, 'no metadata request to a peer offering 1 GB')

  const seeder = await startSeeder(t, { path: fx.root, pieceLength: P, port: first.port })
  const added = await withTimeout(adding, 80_000, 'getOrAddTorrent once the seeder is back')
  if ('err' in added) throw added.err
  assertInfoMatches(added.torrent.info, seeder)
  const s: Setup = { fx, seeder, port, engine, torrent: added.torrent }
  await readPiece(s, 0, 'first piece after the hostile metadata:')
  await readPiece(s, PIECES - 1, 'last piece after the hostile metadata:')
  assert.equal(huge.closed, false, 'the peer that only offered too much stays connected')
  assert.equal(crashes.length, 0, `uncaught errors:\n${describeCrashes(crashes)}`)
  t.diagnostic(`hostile cases while fetching metadata: ${peers.length}`)
})
