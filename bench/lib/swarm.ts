// The loopback swarm: several webtorrent seeders of one folder, each with its own upload limit,
// reachable only through the x.pe hints of the magnet (no tracker, DHT, LSD, uTP).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSeeder, magnetLink, peerHint, WebTorrentProcess, type Seeder, type SeederFile } from '../../test/helpers/seeder.ts'

export interface Swarm {
  magnet: string
  infoHash: string
  pieceLength: number
  files: SeederFile[]
  seeders: Seeder[]
  /** bytes/s per seeder right now */
  perSeeder: number
  /** sum of the seeders' limits */
  readonly bandwidth: number
  setPerSeeder (bytesPerSecond: number): Promise<void>
  uploaded (): Promise<number>
  stop (): Promise<void>
}

export async function startSwarm (folder: string, count: number, perSeeder: number, pieceLength: number): Promise<Swarm> {
  const seeders: Seeder[] = []
  const stop = async (): Promise<void> => { await Promise.all(seeders.map(async (s) => { await s.stop() })) }
  try {
    // same folder and piece length: the same info hash from every seeder
    const started = await Promise.allSettled(Array.from({ length: count }, async () =>
      await startSeeder(null, { path: folder, pieceLength, uploadLimit: perSeeder, timeoutMs: 120_000 })))
    for (const r of started) if (r.status === 'fulfilled') seeders.push(r.value)
    const failed = started.find((r) => r.status === 'rejected')
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
  } catch (err) {
    await stop()
    throw err
  }
  const first = seeders[0]!
  if (seeders.some((s) => s.infoHash !== first.infoHash)) { await stop(); throw new Error('seeders disagree on the info hash') }
  const swarm: Swarm = {
    magnet: magnetLink(first.infoHash, first.name, [], seeders.map((s) => peerHint(s.port))),
    infoHash: first.infoHash,
    pieceLength: first.pieceLength,
    files: first.files,
    seeders,
    perSeeder,
    get bandwidth () { return swarm.perSeeder * seeders.length },
    async setPerSeeder (bps) {
      await Promise.all(seeders.map(async (s) => { await s.throttle(Math.round(bps)) }))
      swarm.perSeeder = Math.round(bps)
    },
    async uploaded () { return (await Promise.all(seeders.map(async (s) => (await s.stats()).uploaded))).reduce((a, b) => a + b, 0) },
    stop
  }
  return swarm
}

/**
 * What the swarm really delivers: a fresh webtorrent leecher reads `length` bytes of a file
 * nobody has asked for yet, timed from the first byte (metadata and connections excluded).
 */
export async function calibrate (sw: Swarm, fileIndex: number, start: number, length: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-cal-'))
  const proc = new WebTorrentProcess()
  try {
    await proc.request('add', { magnet: sw.magnet, path: dir }, 60_000)
    const r = await proc.request<{ ms: number, firstByteMs: number, bytes: number }>('read', { fileIndex, start, end: start + length - 1, timeoutMs: 60_000 }, 70_000)
    return r.bytes / ((r.ms - r.firstByteMs) / 1000)
  } finally {
    await proc.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
