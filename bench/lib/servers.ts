// The three streaming servers of the resources bench, each in its own child process so that its
// RSS and CPU are its own: momoshtrem as shipped (the one-file bundle run by plain node with a
// config file, as `momoshtrem serve` runs), webtorrent 3 and torrent-stream (peerflix's engine)
// in bench/lib/peer-server-process.mjs, also plain node. All read /proc from outside.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../test/helpers/clients.ts'
import { assignMovieFile } from './assign-movie.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const PEER_SCRIPT = fileURLToPath(new URL('./peer-server-process.mjs', import.meta.url))

/**
 * momoshtrem-mmap: momoshtrem with glibc's mmap threshold fixed at 128 KiB (MALLOC_MMAP_THRESHOLD_);
 * momoshtrem-base: another build of momoshtrem (its bin/momoshtrem.js), for before/after in one run
 */
export type Impl = 'momoshtrem' | 'momoshtrem-mmap' | 'momoshtrem-buffered' | 'momoshtrem-base' | 'webtorrent' | 'torrent-stream'

export interface Server {
  impl: Impl
  pid: number
  /** URL of each file of the torrent, by its path in the torrent */
  urls: Record<string, string>
  stop (): Promise<void>
}

/** RSS now and its high-water mark (VmHWM), bytes, of any process, read from /proc. */
export function memoryOf (pid: number): { rss: number, hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') }
}

/** CPU seconds a process has used in user space and in the kernel, from /proc/PID/stat (clock ticks of 10 ms). */
export function cpuSplitOf (pid: number): { user: number, sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { user: Number(fields[11]) / 100, sys: Number(fields[12]) / 100 }
}

/** Bytes a process has written into files (/proc/PID/io write_bytes: counted as pages get dirtied). */
export function fileBytesWrittenOf (pid: number): number {
  return Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN)
}

/** CPU seconds (user + system) a process has used. */
export function cpuOf (pid: number): number {
  const { user, sys } = cpuSplitOf(pid)
  return user + sys
}

/**
 * The server as shipped, built from the current sources: scripts/build-server.mjs (the bundle
 * and its code cache, as `npm ci` makes them), run through bin/momoshtrem.js. Returns the bin.
 */
export async function buildBundle (): Promise<string> {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build-server.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 })
  if (built.status !== 0) throw new Error(`scripts/build-server.mjs failed (${built.status ?? built.signal ?? built.error?.message})`)
  return join(root, 'bin/momoshtrem.js')
}

async function waitExit (child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL') }, ms)
    child.once('exit', () => { clearTimeout(timer); resolve() })
  })
}

/**
 * `momoshtrem serve --config FILE` from the bundle: production defaults, only the network kept
 * on loopback (no DHT/LSD/PEX/uTP, the peers come from the magnet). Each torrent file becomes a
 * movie assigned to that file, and its WebDAV URL is looked up by PROPFIND.
 */
export async function startMomoshtrem (bundle: string, magnet: string, files: string[], extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}, impl: Impl = env.MALLOC_MMAP_THRESHOLD_ === undefined ? 'momoshtrem' : 'momoshtrem-mmap'): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-res-'))
  const port = await freePort()
  const config = join(dir, 'config.yaml')
  writeFileSync(config, [
    `server: { host: 127.0.0.1, port: ${port} }`,
    `database: { path: ${join(dir, 'db.sqlite')} }`,
    `torrent: { metadata_folder: ${join(dir, 'torrents')}, cache_folder: ${join(dir, 'cache')}, dht: false, lsd: false, pex: false, utp: false, listen_port: 0 }`,
    `subtitles: { folder: ${join(dir, 'subtitles')} }`,
    'logging: { level: warn }',
    ''
  ].join('\n'))
  // BENCH_APP_STDOUT=FILE keeps what the server prints (V8's --trace-opt, say), else dropped
  const out = process.env.BENCH_APP_STDOUT === undefined ? 'ignore' : openSync(process.env.BENCH_APP_STDOUT, 'a')
  const child = spawn(process.execPath, [...extraArgs, bundle, 'serve', '--config', config], { cwd: dir, stdio: ['ignore', out, 'inherit'], env: { ...process.env, ...env } })
  if (typeof out === 'number') closeSync(out)
  const base = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM')
    await waitExit(child, 10_000)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const t0 = Date.now()
    for (;;) {
      if (child.exitCode !== null) throw new Error(`momoshtrem exited with ${child.exitCode}`)
      if (Date.now() - t0 > 30_000) throw new Error('momoshtrem did not answer within 30 s')
      try { if ((await fetch(`${base}/api/status`, { signal: AbortSignal.timeout(2000) })).ok) break } catch { /* not up yet */ }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const urls: Record<string, string> = {}
    for (const [i, file] of files.entries()) urls[file] = `${base}${await assignMovieFile(base, magnet, file, `Bench Movie ${i + 1}`, 2000 + i)}`
    return { impl, pid: child.pid!, urls, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** webtorrent 3 or torrent-stream in a plain-node child, metadata fetched, its HTTP server up. */
export async function startPeer (impl: 'webtorrent' | 'torrent-stream', magnet: string, peers: string[]): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), `momoshtrem-bench-res-${impl}-`))
  const child = fork(PEER_SCRIPT, [impl], { cwd: root, execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  let nextId = 1
  const pending = new Map<number, (msg: { ok: boolean, result?: unknown, error?: string }) => void>()
  child.on('message', (msg: { id?: number, ok: boolean, result?: unknown, error?: string }) => {
    if (msg.id !== undefined) pending.get(msg.id)?.(msg)
  })
  const request = async <T>(cmd: string, args: Record<string, unknown>, timeoutMs: number): Promise<T> => {
    const id = nextId++
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { pending.delete(id); reject(new Error(`${impl} did not answer ${cmd} within ${timeoutMs} ms`)) }, timeoutMs)
      const onExit = (): void => { clearTimeout(timer); reject(new Error(`${impl} exited before answering ${cmd}`)) }
      child.once('exit', onExit)
      pending.set(id, (msg) => {
        pending.delete(id)
        clearTimeout(timer)
        child.off('exit', onExit)
        if (msg.ok) resolve(msg.result as T)
        else reject(new Error(`${impl}: ${msg.error ?? 'unknown error'}`))
      })
      child.send({ id, cmd, ...args })
    })
  }
  const stop = async (): Promise<void> => {
    try { await request('stop', {}, 5000) } catch { /* killed below */ }
    await waitExit(child, 5000)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await request('add', { magnet, peers, path: dir }, 70_000)
    const served = await request<{ urls: Record<string, string> }>('serve', {}, 10_000)
    return { impl, pid: child.pid!, urls: served.urls, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
