// Child process: our engine (createTorrentService) as a leecher for the engine benchmark.
// Speaks the same IPC protocol as test/helpers/seeder-process.ts in leecher mode:
//   add {magnet, path}                    -> {metadataMs, files, pieceLength}
//   read {fileIndex, start, end, chunk}   -> {ms, firstByteMs, bytes, sha256}   (end inclusive)
//   cpu                                   -> {cpu}
//   stop
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { loadConfig } from '../src/config/load.ts'
import { createLogger } from '../src/logger.ts'
import { createTorrentService } from '../src/torrent/service.ts'
import type { Torrent, TorrentService } from '../src/torrent/types.ts'
import { EngineTrace } from './lib/engine-trace.ts'

interface Request { id: number, cmd: string, [k: string]: unknown }

/** a streaming read's window: 32 MiB, streaming.readahead_bytes' default */
const STREAM_WINDOW = 32 * 1024 * 1024

let engine: TorrentService | null = null
let torrent: Torrent | null = null
/** BENCH_NET_TRACE=1: per-peer timings of each read on stderr (see lib/engine-trace.ts) */
let trace: EngineTrace | null = null

function send (msg: object): void { process.send?.(msg) }

async function handle (req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'add': {
      const dir = req.path as string
      const cfg = loadConfig({
        env: {},
        overrides: {
          torrent: {
            metadata_folder: join(dir, 'torrents'),
            cache_folder: join(dir, 'cache'),
            dht: false,
            lsd: false,
            pex: false,
            utp: false,
            trackers: [],
            listen_port: 0,
            start_paused: false,
            add_timeout: 60,
            read_timeout: 60,
            idle_enabled: false
          }
        }
      }).torrent
      engine = await createTorrentService(cfg, createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent'))
      const magnet = req.magnet as string
      const hash = /btih:([0-9a-fA-F]{40})/.exec(magnet)?.[1]?.toLowerCase()
      if (hash === undefined) throw new Error(`no info hash in ${magnet}`)
      const t0 = performance.now()
      torrent = await engine.getOrAddTorrent(hash, magnet)
      if (process.env.BENCH_NET_TRACE === '1') trace = new EngineTrace(engine, hash)
      return { metadataMs: performance.now() - t0, files: torrent.info.files, pieceLength: torrent.info.pieceLength }
    }
    case 'read': {
      if (torrent === null) throw new Error('no torrent added')
      const start = req.start as number
      const end = req.end as number
      const chunk = (req.chunk as number | undefined) ?? 1024 * 1024
      const timeoutMs = (req.timeoutMs as number | undefined) ?? 60_000
      const hash = createHash('sha256')
      const reader = torrent.openReader(req.fileIndex as number)
      // The engine does not size windows (the streaming layer does, from the player's rate): a
      // read of many chunks streams at full speed, so it gets the full window (readahead_bytes'
      // default) at once; a one-chunk probe keeps the engine's minimum window.
      if (end + 1 - start > chunk) reader.setReadahead(STREAM_WINDOW)
      trace?.start()
      const t0 = performance.now()
      // with the trace, when this process's event loop was busy (a block that arrived then waits)
      const gaps: string[] = []
      let last = t0
      const busy = trace === null ? undefined : setInterval(() => { const n = performance.now(); if (n - last > 8) gaps.push(`${Math.round(last - t0)}+${Math.round(n - last)}`); last = n }, 1)
      let firstByteMs = -1
      let bytes = 0
      try {
        for (let off = start; off <= end; off += chunk) {
          const len = Math.min(chunk, end + 1 - off)
          const buf = await reader.read(off, len, { deadline: Date.now() + timeoutMs })
          if (firstByteMs < 0) firstByteMs = performance.now() - t0
          if (buf.length !== len) throw new Error(`short read: ${buf.length} of ${len} bytes at ${off}`)
          bytes += buf.length
          hash.update(buf)
        }
      } finally {
        reader.close()
        clearInterval(busy)
        if (trace !== null) console.error(`  read at ${start}: ${Math.round(performance.now() - t0)} ms; event loop busy > 8 ms at (ms+ms): ${gaps.join(' ') || 'never'}\n${trace.report()}`)
      }
      return { ms: performance.now() - t0, firstByteMs, bytes, sha256: hash.digest('hex') }
    }
    case 'cpu':
      return { cpu: process.cpuUsage() }
    case 'stop':
      if (engine !== null) await engine.close()
      engine = null
      setImmediate(() => process.exit(0))
      return {}
    default:
      throw new Error(`unknown command ${req.cmd}`)
  }
}

process.on('message', (msg: Request) => {
  handle(msg).then(
    (result) => send({ id: msg.id, ok: true, result }),
    (err: Error) => send({ id: msg.id, ok: false, error: String(err?.stack ?? err) })
  )
})
process.on('disconnect', () => { void (engine?.close() ?? Promise.resolve()).finally(() => process.exit(0)) })
send({ event: 'ready' })
