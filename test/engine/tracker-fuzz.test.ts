// Engine vs hostile trackers (issue 10): a magnet may name any tracker, so whatever a tracker
// answers must end that one announce and nothing else. For every hostile answer a fresh engine
// adds a magnet naming the hostile tracker (tr=) and a real seeder (x.pe); the test checks the
// tracker was really contacted, that its answer was dealt with, that a read from the seeder is
// byte-exact afterwards, and that no error escaped to the process ('unhandledRejection' /
// 'uncaughtException' listeners below: before the containment, a body shorter than its
// Content-Length killed the process).
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { KiB, fixtureDir, singleFileSpec, writeFixture, type Fixture } from '../helpers/fixtures.ts'
import { startSeeder, magnetLink, peerHint, type Seeder } from '../helpers/seeder.ts'
import { createTestEngine } from '../helpers/engine.ts'
import { selectTrackers } from '../../src/torrent/discovery.ts'
import { readAndCompare, deadlineIn } from '../helpers/engine-asserts.ts'
import { sleep, waitFor, withTimeout } from '../helpers/wait.ts'
import {
  startHostileHttpTracker, startHostileUdpTracker, httpAnswers, udpAnswers, redirectTo,
  type HostileHttpTracker, type HostileUdpTracker
} from '../helpers/hostile-tracker.ts'

const escapes: string[] = []
function recordEscape (kind: string): (err: unknown) => void {
  return (err) => { escapes.push(`${kind}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`) }
}
process.on('unhandledRejection', recordEscape('unhandledRejection'))
process.on('uncaughtException', recordEscape('uncaughtException'))

/** Call at the start of a case; the returned check fails if anything escaped since. */
function watchEscapes (what: string): () => void {
  const mark = escapes.length
  return () => { assert.deepEqual(escapes.slice(mark), [], `${what}: errors escaped to the process`) }
}

/**
 * How long a case watches a tracker that asked for a bad announce interval. Node turns a
 * negative or out-of-range timer delay into 1 ms, so a library that obeyed would re-announce
 * hundreds of times in this window; a window is the only way to see that something does NOT
 * happen.
 */
const STORM_WINDOW_MS = 2000

interface Swarm { seeder: Seeder, fx: Fixture }

async function startSwarm (t: TestContext): Promise<Swarm> {
  const { dir } = fixtureDir(t)
  const fx = writeFixture(dir, singleFileSpec(256 * KiB, 'hostile trackers.bin'))
  const seeder = await startSeeder(t, { path: fx.root, pieceLength: 16 * KiB })
  return { seeder, fx }
}

/** A fresh engine adds the swarm's torrent with `trackers` in the magnet; resolves once the metadata is in. */
async function addWithTrackers (t: TestContext, swarm: Swarm, trackers: string[]): Promise<{ read: (what: string) => Promise<void> }> {
  const { engine } = await createTestEngine(t, { add_timeout: 20, read_timeout: 15 })
  const { seeder, fx } = swarm
  const magnet = magnetLink(seeder.infoHash, seeder.name, trackers, [peerHint(seeder.port)])
  const torrent = await withTimeout(engine.getOrAddTorrent(seeder.infoHash, magnet), 25_000, 'getOrAddTorrent (metadata via x.pe)')
  const file = torrent.info.files[0]!
  return {
    read: async (what) => { await readAndCompare(torrent, fx, file, 50 * KiB + 3, 120 * KiB, deadlineIn(15_000), what) }
  }
}

async function contacted (tr: HostileHttpTracker | HostileUdpTracker, what: string): Promise<void> {
  await waitFor(() => 'requests' in tr ? tr.requests.length > 0 : tr.packets > 0, 15_000, `${what}: the engine contacting the hostile tracker`)
}

/** The tracker's first answer is over: sent and closed by the tracker, or given up on by the engine. */
async function answered (tr: HostileHttpTracker, what: string): Promise<void> {
  // 25 s: bittorrent-tracker gives up on a request after 15 s, the engine earlier
  await waitFor(() => tr.closed > 0, 25_000, `${what}: the hostile answer to be over`)
}

interface HttpCase {
  name: string
  answer: keyof typeof httpAnswers
  /** extra checks once the answer is over and the read succeeded */
  check?: (tr: HostileHttpTracker) => Promise<void> | void
}

const noStorm = async (tr: HostileHttpTracker): Promise<void> => {
  const before = tr.requests.length
  await sleep(STORM_WINDOW_MS)
  assert.ok(tr.requests.length <= before + 1, `the tracker was announced to ${tr.requests.length - before} more times within ${STORM_WINDOW_MS} ms of its answer (it asked for an interval Node turns into 1 ms)`)
}

const notBufferedWhole = (tr: HostileHttpTracker): void => {
  const a = tr.answers[0]!
  assert.equal(a.completed, false, `the whole 50 MB body was read (${a.written} bytes written before the connection closed)`)
  assert.ok(a.written < 50 * 1024 * 1024, `${a.written} bytes written`)
}

const httpCases: HttpCase[] = [
  { name: 'body shorter than its Content-Length, then the socket closed', answer: 'truncated' },
  { name: '50 MB declared in Content-Length', answer: 'oversizedDeclared', check: notBufferedWhole },
  { name: '50 MB chunked, no length', answer: 'oversizedChunked', check: notBufferedWhole },
  { name: 'slow drip: headers, then a byte a second', answer: 'slowDrip' },
  { name: 'never answers', answer: 'silent' },
  { name: 'malformed bencode', answer: 'malformedBencode' },
  { name: 'peers as a number', answer: 'peersAsNumber' },
  { name: 'interval as a string', answer: 'intervalAsString', check: noStorm },
  { name: 'compact peers of 7 bytes (not a multiple of 6)', answer: 'compactPeersOdd' },
  { name: 'failure reason', answer: 'failureReason' },
  { name: 'failure reason as a number', answer: 'failureReasonNumber' },
  { name: 'info_hash as a number', answer: 'infoHashNumber' },
  { name: 'negative interval', answer: 'intervalNegative', check: noStorm },
  { name: 'interval beyond the 32-bit timer range', answer: 'intervalHuge', check: noStorm },
  {
    name: 'redirect loop (302 to itself)',
    answer: 'redirectLoop',
    check: async (tr) => {
      // fetch follows at most 20 redirects; then the announce fails and is not retried at once
      await waitFor(() => tr.requests.length >= 21, 15_000, 'the redirect chain to run out')
      await noStorm(tr)
      assert.ok(tr.requests.length <= 22, `${tr.requests.length} requests for one announce`)
    }
  },
  { name: 'gzip garbage', answer: 'gzipGarbage' }
]

test('hostile HTTP trackers: the engine stays up and keeps serving byte-exact reads', { timeout: 600_000 }, async (t) => {
  const swarm = await startSwarm(t)
  for (const c of httpCases) {
    await t.test(c.name, { timeout: 90_000 }, async (t) => {
      const nothingEscaped = watchEscapes(c.name)
      const tr = await startHostileHttpTracker(t, httpAnswers[c.answer])
      const { read } = await addWithTrackers(t, swarm, [tr.url])
      await contacted(tr, c.name)
      await answered(tr, c.name)
      await read(`after "${c.name}":`)
      await c.check?.(tr)
      nothingEscaped()
    })
  }

  await t.test('redirect to another origin that truncates', { timeout: 90_000 }, async (t) => {
    const nothingEscaped = watchEscapes('redirect to another origin')
    const target = await startHostileHttpTracker(t, httpAnswers.truncated)
    const tr = await startHostileHttpTracker(t, redirectTo(target.url))
    const { read } = await addWithTrackers(t, swarm, [tr.url])
    await contacted(tr, 'redirecting tracker')
    await contacted(target, 'redirect target')
    await answered(target, 'redirect target')
    await read('after the redirect:')
    nothingEscaped()
  })

  await t.test('all of them in one magnet at once', { timeout: 90_000 }, async (t) => {
    const nothingEscaped = watchEscapes('all at once')
    const trackers = await Promise.all(httpCases.map(async (c) => await startHostileHttpTracker(t, httpAnswers[c.answer])))
    const { read } = await addWithTrackers(t, swarm, trackers.map((tr) => tr.url))
    for (const [i, tr] of trackers.entries()) await contacted(tr, httpCases[i]!.name)
    await read('with every hostile tracker in the magnet:')
    nothingEscaped()
  })
})

interface UdpCase { name: string, answer: keyof typeof udpAnswers, check?: (tr: HostileUdpTracker) => Promise<void> }

const udpCases: UdpCase[] = [
  { name: 'garbage datagrams', answer: 'garbage' },
  { name: 'connect reply with a wrong transaction id', answer: 'wrongTransactionId' },
  { name: 'never answers', answer: 'silent' },
  { name: 'announce reply shorter than 20 bytes', answer: 'shortAnnounce' },
  {
    name: 'interval 2^32-1 s (beyond the timer range)',
    answer: 'intervalHuge',
    check: async (tr) => {
      await waitFor(() => tr.announces > 0, 15_000, 'an announce to reach the tracker')
      // a tracker asking for 1 ms gets a burst before the engine drops it (obeyed, it gets ~700 a second)
      await sleep(STORM_WINDOW_MS)
      const seen = tr.announces
      assert.ok(seen <= 150, `${seen} announces within ${STORM_WINDOW_MS} ms: the engine obeyed an interval Node turns into 1 ms`)
      await sleep(STORM_WINDOW_MS)
      assert.equal(tr.announces, seen, 'still announcing to the tracker after it was dropped')
    }
  }
]

test('hostile UDP trackers: the engine stays up and keeps serving byte-exact reads', { timeout: 300_000 }, async (t) => {
  const swarm = await startSwarm(t)
  for (const c of udpCases) {
    await t.test(c.name, { timeout: 60_000 }, async (t) => {
      const nothingEscaped = watchEscapes(c.name)
      const tr = await startHostileUdpTracker(t, udpAnswers[c.answer])
      const { read } = await addWithTrackers(t, swarm, [tr.url])
      await contacted(tr, c.name)
      await read(`after "${c.name}":`)
      await c.check?.(tr)
      nothingEscaped()
    })
  }
})

test('a magnet with 1,700 trackers: only the first max_trackers (30) are announced to', { timeout: 120_000 }, async (t) => {
  const nothingEscaped = watchEscapes('1,700 trackers')
  const swarm = await startSwarm(t)
  const kept = await Promise.all(Array.from({ length: 30 }, async () => await startHostileHttpTracker(t, httpAnswers.failureReason)))
  // the other 1,670 are spellings of one UDP tracker that counts what reaches it
  const beyond = await startHostileUdpTracker(t, udpAnswers.silent)
  const rest = Array.from({ length: 1670 }, (_, i) => `${beyond.url}/announce?n=${i}`)
  // a duplicate (trailing '/') early on must not take one of the 30 places
  const urls = [kept[0]!.url, `${kept[0]!.url}/`, 'wss://127.0.0.1:1/announce', ...kept.slice(1).map((tr) => tr.url), ...rest]
  assert.equal(urls.length, 1702)
  const { read } = await addWithTrackers(t, swarm, urls)
  await waitFor(() => kept.every((tr) => tr.requests.length > 0), 15_000, 'an announce to each of the 30 kept trackers')
  await read('with 1,700 trackers in the magnet:')
  assert.equal(beyond.packets, 0, 'trackers beyond the first 30 were contacted')
  nothingEscaped()
})

test('selectTrackers: order kept, duplicates and unusable URLs skipped, then the cap', () => {
  const s = selectTrackers([
    'udp://a.example:6969', 'http://b.example/announce', 'udp://a.example:6969/', ' http://b.example/announce ',
    'wss://c.example', 'not a url', 'ftp://d.example/', 'https://e.example/announce', 'udp://f.example:1'
  ], 3)
  assert.deepEqual(s.kept, ['udp://a.example:6969', 'http://b.example/announce', 'https://e.example/announce'])
  assert.deepEqual({ duplicates: s.duplicates, unusable: s.unusable, overCap: s.overCap }, { duplicates: 2, unusable: 3, overCap: 1 })
  assert.deepEqual(selectTrackers(['udp://a.example:1'], 0).kept, [])
})

test('nothing escaped to the process, engine shutdowns included', () => {
  assert.deepEqual(escapes, [], 'errors escaped to the process')
})
