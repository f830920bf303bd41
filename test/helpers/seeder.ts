// An independent webtorrent 3 seeder in a child process (see seeder-process.ts), so that it
// shares nothing with the engine under test and its CPU can be measured on its own.
//
//   const seeder = await startSeeder(t, { path: fixture.root, pieceLength: 16 * KiB })
//   engine.getOrAddTorrent(seeder.infoHash, seeder.magnet)   // magnet carries x.pe=127.0.0.1:PORT
//
// Stopped in t.after (stop() is idempotent, so tests may stop it earlier and start another
// one on the same data; the same data and piece length give the same info hash).
import { fork, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TestContext } from 'node:test'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const script = fileURLToPath(new URL('./seeder-process.ts', import.meta.url))

export interface SeederFile { path: string, length: number, offset: number }

export interface SeederStats {
  /** torrent.uploaded: payload bytes sent since the seeder started */
  uploaded: number
  downloaded: number
  /** connected wires on the torrent */
  wires: number
  numPeers: number
  /** bytesRead + bytesWritten over every peer TCP socket this process ever had (tracker sockets excluded) */
  bytes: number
  peerSockets: number
  openPeerSockets: number
  cpu: NodeJS.CpuUsage
  rss: number
  /** transport of each connected wire: 'tcpIncoming', 'utpIncoming', ... */
  wireTypes: string[]
}

export interface SeederOptions {
  /** file (single-file torrent) or folder (multi-file torrent) to seed */
  path: string
  pieceLength: number
  /** tracker announce URLs (local tracker only); none = reachable only through x.pe */
  announce?: string[]
  /** TCP port to listen on (0 = any); pass a previous seeder's port to come back at the same address */
  port?: number
  /** also listen on uTP (same port number); default TCP only */
  utp?: boolean
  /** seed this .torrent (from `path`, unverified) instead of building one: a corrupt copy of the data plays a bad peer */
  torrentFile?: Buffer
  /** ms to wait for hashing and listening (default 60 s) */
  timeoutMs?: number
  /** upload limit in bytes/s (webtorrent's uploadLimit, 25 ms burst); none = unlimited */
  uploadLimit?: number
}

export interface Seeder {
  /** magnet:?xt=urn:btih:HASH&dn=NAME[&tr=...]&x.pe=127.0.0.1:PORT */
  magnet: string
  /** the same magnet without x.pe (trackers only) */
  magnetNoPeer: string
  infoHash: string
  port: number
  pieceLength: number
  pieceCount: number
  name: string
  length: number
  files: SeederFile[]
  /** the .torrent file webtorrent built */
  torrentFile: Buffer
  pid: number
  stats (): Promise<SeederStats>
  /** Changes the upload limit (bytes/s, -1 = unlimited) on the running seeder, open wires included. */
  throttle (uploadLimit: number): Promise<void>
  /** Destroys the webtorrent client and waits for the process to exit. Idempotent. */
  stop (): Promise<void>
}

/** A webtorrent child process speaking the request/response protocol of seeder-process.ts. */
export class WebTorrentProcess {
  readonly child: ChildProcess
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }>()
  private exited = false
  private readonly exitPromise: Promise<void>
  readonly errors: string[] = []

  /** `scriptPath`: another script speaking the same protocol (the benchmark's engine leecher). */
  constructor (scriptPath: string = script) {
    this.child = fork(scriptPath, [], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, DEBUG: process.env.SEEDER_DEBUG ?? '' }
    })
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true
        for (const p of this.pending.values()) {
          clearTimeout(p.timer)
          p.reject(new Error(`webtorrent process exited (code ${code}, signal ${signal}) before answering`))
        }
        this.pending.clear()
        resolve()
      })
    })
    this.child.on('message', (msg: { id?: number, ok?: boolean, result?: unknown, error?: string, event?: string, message?: string }) => {
      if (msg.event === 'error' && msg.message !== undefined) this.errors.push(msg.message)
      if (msg.id === undefined) return
      const p = this.pending.get(msg.id)
      if (p === undefined) return
      this.pending.delete(msg.id)
      clearTimeout(p.timer)
      if (msg.ok === true) p.resolve(msg.result)
      else p.reject(new Error(`webtorrent process: ${msg.error ?? 'unknown error'}`))
    })
  }

  get pid (): number { return this.child.pid ?? -1 }

  async request<T> (cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    if (this.exited) throw new Error(`webtorrent process already exited (${cmd})`)
    const id = this.nextId++
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`webtorrent process did not answer ${cmd} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
      this.child.send({ id, cmd, ...args })
    })
  }

  /** folders the process made that must go when it ends (the seeder's mirror of hard links) */
  readonly ownedDirs: string[] = []

  /** Asks the process to destroy its client and exit; kills it after 5 s. Idempotent. */
  async stop (): Promise<void> {
    try {
      await this.stopProcess()
    } finally {
      for (const d of this.ownedDirs.splice(0)) rmSync(d, { recursive: true, force: true })
    }
  }

  private async stopProcess (): Promise<void> {
    if (this.exited) return
    try {
      await this.request('stop', {}, 5000)
    } catch { /* killed below */ }
    const killTimer = setTimeout(() => { if (!this.exited) this.child.kill('SIGKILL') }, 5000)
    await this.exitPromise
    clearTimeout(killTimer)
  }
}

export function peerHint (port: number): string {
  return `127.0.0.1:${port}`
}

/** Builds a magnet link: xt, dn, tr per tracker, x.pe per peer hint. */
export function magnetLink (infoHash: string, name: string, trackers: string[] = [], peers: string[] = []): string {
  let m = `magnet:?xt=urn:btih:${infoHash}&dn=${encodeURIComponent(name)}`
  for (const tr of trackers) m += `&tr=${encodeURIComponent(tr)}`
  for (const pe of peers) m += `&x.pe=${pe}`
  return m
}

export async function startSeeder (t: TestContext | null, opts: SeederOptions): Promise<Seeder> {
  const proc = new WebTorrentProcess()
  t?.after(async () => { await proc.stop() })
  let r: {
    infoHash: string, port: number, pieceLength: number, pieceCount: number, name: string, length: number,
    files: SeederFile[], torrentFile: string, mirror?: string
  }
  try {
    r = await proc.request('seed', {
      path: opts.path,
      pieceLength: opts.pieceLength,
      announce: opts.announce ?? [],
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.uploadLimit !== undefined ? { uploadLimit: opts.uploadLimit } : {}),
      ...(opts.torrentFile !== undefined ? { torrentFile: opts.torrentFile.toString('base64') } : {}),
      ...(opts.utp === true ? { utp: true } : {})
    }, opts.timeoutMs ?? 60_000)
  } catch (err) {
    await proc.stop()
    throw err
  }
  if (typeof r.mirror === 'string') proc.ownedDirs.push(r.mirror)
  const announce = opts.announce ?? []
  return {
    magnet: magnetLink(r.infoHash, r.name, announce, [peerHint(r.port)]),
    magnetNoPeer: magnetLink(r.infoHash, r.name, announce),
    infoHash: r.infoHash,
    port: r.port,
    pieceLength: r.pieceLength,
    pieceCount: r.pieceCount,
    name: r.name,
    length: r.length,
    files: r.files,
    torrentFile: Buffer.from(r.torrentFile, 'base64'),
    pid: proc.pid,
    stats: async () => await proc.request<SeederStats>('stats'),
    throttle: async (uploadLimit) => { await proc.request('throttle', { uploadLimit }) },
    stop: async () => { await proc.stop() }
  }
}
