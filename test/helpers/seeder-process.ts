// Child process running webtorrent 3: an independent seeder for the engine tests (and a
// reference leecher for the benchmark). Started by seeder.ts with `node --import tsx` and
// driven over the IPC channel: {id, cmd, ...args} -> {id, ok: true, result} | {id, ok: false, error}.
//
// DHT, LSD, uTP, UPnP/NAT-PMP, web seeds and public trackers are off: the only way to reach
// it is its TCP port (x.pe= peer hint) or the local tracker given in `announce`.
import { subscribe } from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { importUntyped } from './untyped.ts'

type Any = any

interface Request { id: number, cmd: string, [k: string]: unknown }

const WebTorrent = (await importUntyped<{ default: new (opts: object) => Any }>('webtorrent')).default
const createTorrent = (await importUntyped<{ default: (input: unknown, opts: object, cb: (err: Error | null, buf: Buffer) => void) => void }>('create-torrent')).default
const parseTorrent = (await importUntyped<{ default: (buf: Buffer) => Promise<Any> }>('parse-torrent')).default

// Every TCP socket of this process, with its counters (they survive close), so the idle test
// can assert that not one byte crossed a peer socket. Tracker sockets are told apart by port.
const sockets = new Map<Socket, { remotePort?: number, outgoing: boolean }>()
subscribe('net.client.socket', (msg) => {
  const socket = (msg as { socket: Socket }).socket
  const rec: { remotePort?: number, outgoing: boolean } = { outgoing: true }
  sockets.set(socket, rec)
  socket.once('connect', () => { rec.remotePort = socket.remotePort })
})
subscribe('net.server.socket', (msg) => {
  const socket = (msg as { socket: Socket }).socket
  sockets.set(socket, { remotePort: socket.remotePort, outgoing: false })
})

let client: Any = null
let trackerPorts = new Set<number>()
let seeding: Any = null
let leeching: Any = null
let mirror: string | null = null

function send (msg: object): void {
  process.send?.(msg)
}

// The benchmark needs bandwidth, not CPU, to be the limit. webtorrent's upload throttle
// (speed-limiter) is a token bucket one second deep, so an idle seeder would send a whole
// second of its rate at once and a cold read could beat the nominal bandwidth: keep the
// bucket (and the slices it meters, which must fit in it) 25 ms deep instead.
function setUploadLimit (c: Any, bytesPerSecond: number): void {
  const burst = Math.max(1024, Math.round(bytesPerSecond / 40))
  c.throttleUpload(bytesPerSecond)
  const group = c.throttleGroups?.up
  if (group?.bucket !== undefined) {
    group.setChunksize(Math.min(burst, Math.round(bytesPerSecond)))
    group.bucket.bucketSize = burst
    if (group.bucket.content > group.bucket.bucketSize) group.bucket.content = group.bucket.bucketSize
  }
}

function newClient (opts: { port?: number, tracker: boolean, uploadLimit?: number, utp?: boolean }): Promise<Any> {
  const c = new WebTorrent({
    dht: false,
    lsd: false,
    utp: opts.utp === true,
    utPex: false,
    natUpnp: false,
    natPmp: false,
    webSeeds: false,
    tracker: opts.tracker ? {} : false,
    torrentPort: opts.port ?? 0
  })
  c.on('error', (err: Error) => { send({ event: 'error', message: String(err?.message ?? err) }) })
  if (opts.uploadLimit !== undefined && opts.uploadLimit > 0) setUploadLimit(c, opts.uploadLimit)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('webtorrent did not start listening within 10 s')), 10_000)
    const done = (): void => { clearTimeout(timer); resolve(c) }
    if (c.listening === true) done()
    else c.once('listening', done)
  })
}

function describeFiles (torrent: Any): Array<{ path: string, length: number, offset: number }> {
  return torrent.files.map((f: Any) => ({ path: String(f.path).split(/[\\/]/).join('/'), length: f.length, offset: f.offset }))
}

function socketBytes (): { bytes: number, peerSockets: number, openPeerSockets: number } {
  let bytes = 0
  let peerSockets = 0
  let openPeerSockets = 0
  for (const [s, rec] of sockets) {
    if (rec.outgoing && rec.remotePort !== undefined && trackerPorts.has(rec.remotePort)) continue
    if (rec.outgoing && rec.remotePort === undefined && s.destroyed) continue // never connected
    peerSockets++
    if (!s.destroyed) openPeerSockets++
    bytes += s.bytesRead + s.bytesWritten
  }
  return { bytes, peerSockets, openPeerSockets }
}

async function handle (req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'seed': {
      // {path, pieceLength, announce: string[], port?: number, name?: string, uploadLimit?: bytes/s}
      const announce = (req.announce as string[] | undefined) ?? []
      trackerPorts = new Set(announce.map((u) => Number(new URL(u).port)))
      client = await newClient({ port: req.port as number | undefined, tracker: announce.length > 0, uploadLimit: req.uploadLimit as number | undefined, utp: req.utp === true })
      const t0 = performance.now()
      // webtorrent's fs store strips reserved characters (<>:"/\\|?*) from file names, so it
      // cannot seed 'a:b?.bin' in place: build the .torrent from the real files, then seed it
      // from a mirror folder of hard links under the names the store expects.
      // torrentFile given: seed that torrent from req.path as is (a test may pass data that does
      // not match it, to play a peer sending corrupt pieces)
      const torrentBuf: Buffer = typeof req.torrentFile === 'string' ? Buffer.from(req.torrentFile, 'base64') : await new Promise((resolve, reject) => {
        createTorrent(req.path, {
          pieceLength: req.pieceLength,
          announceList: announce.map((u) => [u]),
          createdBy: 'momoshtrem-test'
        }, (err: Error | null, buf: Buffer) => { if (err !== null) reject(err); else resolve(buf) })
      })
      const parsed = await parseTorrent(torrentBuf)
      mirror = mkdtempSync(join(tmpdir(), 'momoshtrem-seeder-mirror-'))
      const srcBase = dirname(req.path as string)
      for (const f of parsed.files as Array<{ path: string }>) {
        const rel = f.path.split(/[\\/]/)
        const src = join(srcBase, ...rel)
        const dst = join(mirror, ...rel.slice(0, -1), rel[rel.length - 1]!.replace(/[<>:"/\\|?*\u0000-\u001F]/g, ''))
        mkdirSync(dirname(dst), { recursive: true })
        try { linkSync(src, dst) } catch { symlinkSync(src, dst) }
      }
      const torrent: Any = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('seeding did not start within 120 s')), 120_000)
        // skipVerify: the data is the data the .torrent was just built from
        client.add(torrentBuf, { path: mirror, skipVerify: true }, (t: Any) => { clearTimeout(timer); resolve(t) })
      })
      seeding = torrent
      torrent.on('error', (err: Error) => send({ event: 'error', message: String(err?.message ?? err) }))
      return {
        infoHash: torrent.infoHash,
        port: client.address().port,
        pieceLength: torrent.pieceLength,
        pieceCount: torrent.pieces.length,
        name: torrent.name,
        length: torrent.length,
        files: describeFiles(torrent),
        torrentFile: Buffer.from(torrent.torrentFile).toString('base64'),
        mirror,
        hashMs: performance.now() - t0
      }
    }
    case 'stats': {
      const t = seeding ?? leeching
      return {
        wireTypes: (t?.wires ?? []).map((w: Any) => String(w.type)),
        uploaded: t?.uploaded ?? 0,
        downloaded: t?.downloaded ?? 0,
        wires: t?.wires?.length ?? 0,
        numPeers: t?.numPeers ?? 0,
        ...socketBytes(),
        cpu: process.cpuUsage(),
        rss: process.memoryUsage().rss
      }
    }
    case 'add': {
      // leecher (benchmark): {magnet, path} -> metadata time
      client = await newClient({ tracker: false })
      const t0 = performance.now()
      const torrent: Any = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no metadata within 60 s')), 60_000)
        client.add(req.magnet, { path: req.path, deselect: process.env.WT_DESELECT !== '0' }, (t: Any) => { clearTimeout(timer); resolve(t) })
      })
      leeching = torrent
      // added with deselect: true, so only what a reader asks for is downloaded
      return { metadataMs: performance.now() - t0, files: describeFiles(torrent), pieceLength: torrent.pieceLength }
    }
    case 'read': {
      // {fileIndex, start, end (inclusive), timeoutMs} -> timings; bytes are hashed, not sent back
      const torrent = leeching
      if (torrent === null) throw new Error('no torrent added')
      const file = torrent.files[req.fileIndex as number]
      const start = req.start as number
      const end = req.end as number
      const t0 = performance.now()
      let firstByteMs = -1
      let bytes = 0
      const { createHash } = await import('node:crypto')
      const hash = createHash('sha256')
      await new Promise<void>((resolve, reject) => {
        // webtorrent's {start: 0, end: 0} bug (opts?.end &&) returns the whole file: never ask for it
        if (start === 0 && end === 0) { reject(new Error('webtorrent cannot read bytes=0-0')); return }
        const stream = file.createReadStream({ start, end })
        const timer = setTimeout(() => { stream.destroy(); reject(new Error(`read timed out after ${req.timeoutMs as number} ms`)) }, req.timeoutMs as number)
        stream.on('data', (chunk: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - t0
          bytes += chunk.length
          hash.update(chunk)
        })
        stream.on('end', () => { clearTimeout(timer); resolve() })
        stream.on('error', (err: Error) => { clearTimeout(timer); reject(err) })
      })
      return { ms: performance.now() - t0, firstByteMs, bytes, sha256: hash.digest('hex'), cpu: process.cpuUsage() }
    }
    case 'throttle': {
      // {uploadLimit: bytes/s, -1 = unlimited}: changes the rate of every open wire at once
      if (client === null) throw new Error('no client')
      const rate = req.uploadLimit as number
      if (rate < 0) client.throttleUpload(-1)
      else setUploadLimit(client, rate)
      return { uploadLimit: rate }
    }
    case 'serve': {
      // leecher (benchmark): webtorrent's own HTTP server (lib/server.js, range support) on
      // 127.0.0.1 -> {port, urls: file path -> /webtorrent/<infoHash>/<path>}
      if (client === null || leeching === null) throw new Error('no torrent added')
      // no `hostname` option: it rejects any Host header but its own, and the benchmark reaches
      // the server through a byte-counting proxy
      const server = client.createServer({})
      await new Promise<void>((resolve, reject) => {
        server.server.once('error', reject)
        server.listen(0, '127.0.0.1', () => resolve())
      })
      const port = server.address().port as number
      const urls: Record<string, string> = {}
      for (const f of leeching.files as Any[]) {
        const path = String(f.path).split(/[\\/]/).join('/')
        urls[path] = `http://127.0.0.1:${port}/webtorrent/${leeching.infoHash as string}/${path.split('/').map(encodeURIComponent).join('/')}`
      }
      return { port, urls }
    }
    case 'cpu':
      return { cpu: process.cpuUsage() }
    case 'stop':
      await destroy()
      setImmediate(() => process.exit(0))
      return {}
    default:
      throw new Error(`unknown command ${req.cmd}`)
  }
}

async function destroy (): Promise<void> {
  const c = client
  client = null
  if (c !== null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000)
      c.destroy(() => { clearTimeout(timer); resolve() })
    })
  }
  if (mirror !== null) rmSync(mirror, { recursive: true, force: true })
  mirror = null
}

process.on('message', (msg: Request) => {
  handle(msg).then(
    (result) => send({ id: msg.id, ok: true, result }),
    (err: Error) => send({ id: msg.id, ok: false, error: String(err?.stack ?? err) })
  )
})
process.on('disconnect', () => { void destroy().finally(() => process.exit(0)) })
send({ event: 'ready' })
