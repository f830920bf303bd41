// Child process: peerflix's engine (torrent-stream 1.2.1) as a leecher for the benchmarks.
// Speaks the leecher half of test/helpers/seeder-process.ts's IPC protocol:
//   add {magnet, path}                  -> {metadataMs, files, pieceLength}
//   read {fileIndex, start, end, timeoutMs} -> {ms, firstByteMs, bytes, sha256}   (end inclusive)
//   stop
// No DHT, no trackers, no listening port: it dials the magnet's x.pe hints itself (torrent-stream
// does not read x.pe), as peerflix would dial what its discovery finds.
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { importUntyped } from '../../test/helpers/untyped.ts'

type Any = any
interface Request { id: number, cmd: string, [k: string]: unknown }

// package.json overrides ip-set to 2.x (for webtorrent), a class; torrent-stream calls
// ip-set 1's factory without `new`: hand it a factory over the same class
{
  const req = createRequire(createRequire(import.meta.url).resolve('torrent-stream'))
  const id = req.resolve('ip-set')
  const IPSet = req('ip-set') as new (list?: unknown) => unknown
  req.cache[id]!.exports = (list?: unknown) => new IPSet(list)
}
const torrentStream = (await importUntyped<{ default: (link: string, opts: object) => Any }>('torrent-stream')).default
let engine: Any = null

function send (msg: object): void { process.send?.(msg) }

async function handle (req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'add': {
      const magnet = req.magnet as string
      const dir = req.path as string
      const t0 = performance.now()
      engine = torrentStream(magnet, { path: dir, tmp: dir, dht: false, tracker: false, verify: false })
      // peer-wire-swarm dials one queued peer when it resumes and the next only when a
      // connection closes; peerflix's discovery adds its peers after the resume, each add
      // dialling at once. Do the same: wait for the resume (a read of the cached .torrent)
      const hints = [...magnet.matchAll(/[?&]x\.pe=([^&]+)/g)].map((m) => decodeURIComponent(m[1]!))
      const e = engine
      const dial = (): void => { if (e.swarm.paused === true) setTimeout(dial, 5); else for (const h of hints) e.connect(h) }
      dial()
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error('no metadata within 60 s')) }, 60_000)
        engine.once('ready', () => { clearTimeout(timer); resolve() })
      })
      // like peerflix without --all: nothing selected until a stream asks
      for (const f of engine.files as Any[]) f.deselect()
      return {
        metadataMs: performance.now() - t0,
        files: (engine.files as Any[]).map((f: Any) => ({ path: f.path, length: f.length, offset: f.offset })),
        pieceLength: engine.torrent.pieceLength
      }
    }
    case 'read': {
      if (engine === null) throw new Error('no torrent added')
      const file = engine.files[req.fileIndex as number]
      const start = req.start as number
      const end = req.end as number
      const hash = createHash('sha256')
      const t0 = performance.now()
      let firstByteMs = -1
      let bytes = 0
      await new Promise<void>((resolve, reject) => {
        const stream = file.createReadStream({ start, end })
        const timer = setTimeout(() => { stream.destroy(); reject(new Error(`read timed out after ${req.timeoutMs as number} ms`)) }, req.timeoutMs as number)
        stream.on('data', (chunk: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - t0
          bytes += chunk.length
          hash.update(chunk)
          // torrent-stream's stream reads whole pieces: stop at `end` like a bounded Range GET
          if (bytes >= end + 1 - start) { clearTimeout(timer); stream.destroy(); resolve() }
        })
        stream.on('end', () => { clearTimeout(timer); resolve() })
        stream.on('error', (err: Error) => { clearTimeout(timer); reject(err) })
      })
      return { ms: performance.now() - t0, firstByteMs, bytes, sha256: hash.digest('hex') }
    }
    case 'stop':
      await destroy()
      setImmediate(() => process.exit(0))
      return {}
    default:
      throw new Error(`unknown command ${req.cmd}`)
  }
}

async function destroy (): Promise<void> {
  const e = engine
  engine = null
  if (e !== null) await new Promise<void>((resolve) => { const t = setTimeout(resolve, 5000); e.destroy(() => { clearTimeout(t); resolve() }) })
}

process.on('message', (msg: Request) => {
  handle(msg).then(
    (result) => send({ id: msg.id, ok: true, result }),
    (err: Error) => send({ id: msg.id, ok: false, error: String(err?.stack ?? err) })
  )
})
process.on('disconnect', () => { void destroy().finally(() => process.exit(0)) })
send({ event: 'ready' })
