// The two streaming servers under test, each fresh (empty cache) for every measurement:
// momoshtrem (the real app through createApp, its WebDAV URL) and webtorrent 3's own HTTP
// server in a leecher child process. Both are reached through a byte-counting proxy.
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp, type App } from '../../src/app.ts'
import { testConfig } from '../../test/helpers/app.ts'
import { WebTorrentProcess } from '../../test/helpers/seeder.ts'
import { startProxy, type CountingProxy } from './proxy.ts'
import { api, assignMovieFile } from './assign-movie.ts'

export interface Target {
  name: string
  /** the file's URL, through the proxy */
  url: string
  proxy: CountingProxy
  /** payload bytes the torrent client downloaded from the swarm */
  downloaded (): Promise<number>
  /** one line of the server's own figures (read latency, stalls, peers), '' when it has none */
  serverStats (): Promise<string>
  /** stops everything and removes the temp folder */
  close (): Promise<void>
}

/** The real app on port 0 in a temp folder; the movie added by hand (no TMDB) and assigned. */
export async function startMomoshtrem (magnet: string, infoHash: string, filePath: string, title: string, year: number): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-app-'))
  let app: App | null = null
  let proxy: CountingProxy | null = null
  try {
    // production defaults (streaming, start_paused, timeouts), only the network made loopback-only:
    // no DHT/LSD/PEX (testConfig) and no uTP (the seeders listen on TCP only)
    app = await createApp(testConfig(dir, { torrent: { utp: false } }))
    const base = await app.listen()
    const href = await assignMovieFile(base, magnet, filePath, title, year)
    proxy = await startProxy(Number(new URL(base).port))
    const a = app
    const p = proxy
    return {
      name: 'momoshtrem',
      url: `${proxy.base}${href}`,
      proxy,
      downloaded: async () => Number((await api(base, 'GET', `/api/torrents/${infoHash}`)).downloaded),
      serverStats: async () => describeDetail(await api(base, 'GET', `/api/torrents/${infoHash}`)),
      close: async () => { await p.close(); await a.close(); rmSync(dir, { recursive: true, force: true }) }
    }
  } catch (err) {
    await proxy?.close()
    await app?.close()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

/** A webtorrent 3 leecher (deselect: only what readers ask for) serving its client.createServer(). */
export async function startWebtorrent (magnet: string, filePath: string): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-wt-'))
  const proc = new WebTorrentProcess()
  let proxy: CountingProxy | null = null
  try {
    await proc.request('add', { magnet, path: dir }, 60_000)
    const served = await proc.request<{ port: number, urls: Record<string, string> }>('serve')
    const direct = served.urls[filePath]
    if (direct === undefined) throw new Error(`webtorrent does not list ${filePath}: ${Object.keys(served.urls).join(', ')}`)
    proxy = await startProxy(served.port)
    const p = proxy
    return {
      name: 'webtorrent',
      url: `${proxy.base}${new URL(direct).pathname}`,
      proxy,
      downloaded: async () => (await proc.request<{ downloaded: number }>('stats')).downloaded,
      serverStats: async () => { const st = await proc.request<{ wires: number }>('stats'); return `wires ${st.wires}` },
      close: async () => { await p.close(); await proc.stop(); rmSync(dir, { recursive: true, force: true }) }
    }
  } catch (err) {
    await proxy?.close()
    await proc.stop()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

/** The same file from local disk over HTTP: what ffprobe/ffmpeg cost when bytes are free. */
export async function startLocal (absPath: string): Promise<Target> {
  const size = statSync(absPath).size
  const server = createServer((req, res) => {
    const m = /bytes=(\d*)-(\d*)/.exec(req.headers.range ?? '')
    let start = 0
    let end = size - 1
    if (m !== null) {
      if (m[1] === '') start = Math.max(0, size - Number(m[2]))
      else { start = Number(m[1]); if (m[2] !== '') end = Math.min(size - 1, Number(m[2])) }
      if (start >= size) { res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end(); return }
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1, 'Accept-Ranges': 'bytes' })
    } else res.writeHead(200, { 'Content-Length': size, 'Accept-Ranges': 'bytes' })
    if (req.method === 'HEAD') { res.end(); return }
    const stream = createReadStream(absPath, { start, end })
    stream.pipe(res)
    res.on('close', () => stream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const addr = server.address()
  const proxy = await startProxy(typeof addr === 'object' && addr !== null ? addr.port : 0)
  return {
    name: 'local disk',
    url: `${proxy.base}/${encodeURIComponent(absPath.split('/').pop()!)}`,
    proxy,
    downloaded: async () => 0,
    serverStats: async () => '',
    close: async () => {
      await proxy.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** momoshtrem's GET /api/torrents/:hash in one line: peers and the stage 3 streaming figures (when present). */
function describeDetail (d: Record<string, unknown>): string {
  const parts = [`peers ${String(d.peers ?? '?')}`]
  const st = d.streaming as { files?: Array<Record<string, unknown>>, recent_stalls?: Array<Record<string, unknown>> } | undefined
  for (const f of st?.files ?? []) {
    if (f.reads === 0) continue
    parts.push(`file ${String(f.file_index)}: ${String(f.reads)} reads, p50 ${String(f.p50_ms)} ms, p99 ${String(f.p99_ms)} ms, stalls ${String(f.stalls)}, opens ${String(f.opens)}/${String(f.reopens)} reopens, index ready ${String(f.index_ready_ms)} ms`)
  }
  const stalls = st?.recent_stalls ?? []
  if (stalls.length > 0) parts.push(`recent stalls: ${stalls.slice(0, 5).map((s) => `piece ${String(s.piece_index)} ${String(s.waited_ms)} ms (${String(s.peers)} peers)`).join(', ')}`)
  return parts.join('; ')
}
