// The CPU floor under the resources bench's "CPU s/GiB": what the machine charges a Node process
// for the data movement alone. bench/lib/cpu-floor-process.mjs receives BENCH_FLOOR_MIB (1024)
// MiB from a plain TCP sender on loopback, gathers 1 MiB pieces, SHA-1s them, writes them to disk
// and sends them as an HTTP response; nothing else (no BitTorrent framing, scheduling, WebDAV).
// The reader here SHA-256s every byte, as the resources bench's does. Each variant runs in a
// fresh process; CPU (user and system apart) from /proc. Variants: a new file per piece (how the
// app's store keeps them) or one file or no disk; socket reads into a fresh buffer (Node's
// default) or into one reused buffer (net's onread).
import { fork, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpuSplitOf } from './lib/servers.ts'
import { renderTable } from './lib/table.ts'

const MiB = 1024 * 1024
const GiB = 1024 * MiB
const BYTES = Number(process.env.BENCH_FLOOR_MIB ?? 1024) * MiB
const PIECE = MiB
const CHILD = fileURLToPath(new URL('./lib/cpu-floor-process.mjs', import.meta.url))
const TIMEOUT_MS = 300_000

const VARIANTS: Array<{ store: 'files' | 'one' | 'none', reads: 'fresh' | 'reuse' }> = [
  { store: 'files', reads: 'fresh' },
  { store: 'files', reads: 'reuse' },
  { store: 'one', reads: 'reuse' },
  { store: 'none', reads: 'reuse' }
]

async function spawnChild (args: string[]): Promise<{ child: ChildProcess, port: number, sha256: string | null }> {
  const child = fork(CHILD, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const hello = await new Promise<{ port: number, sha256: string | null }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${args[0]} did not listen within 30 s`)) }, 30_000)
    child.once('message', (m: { port: number, sha256: string | null }) => { clearTimeout(timer); resolve(m) })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited (${code})`)) })
  })
  return { child, ...hello }
}

async function getAll (port: number): Promise<{ bytes: number, sha256: string }> {
  return await new Promise((resolve, reject) => {
    const h = createHash('sha256')
    let bytes = 0
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: TIMEOUT_MS }, (res) => {
      res.on('data', (c: Buffer) => { bytes += c.length; h.update(c) })
      res.on('end', () => { resolve({ bytes, sha256: h.digest('hex') }) })
      res.on('error', reject)
    })
    req.on('timeout', () => { req.destroy(new Error(`no byte for ${TIMEOUT_MS} ms`)) })
    req.on('error', reject)
    req.end()
  })
}

export async function run (): Promise<void> {
  const sender = await spawnChild(['sender', String(BYTES)])
  const rows: Array<Array<string | number>> = []
  try {
    for (const v of VARIANTS) {
      const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-floor-'))
      const floor = await spawnChild(['floor', String(sender.port), String(PIECE), dir, v.store, v.reads])
      try {
        const c0 = cpuSplitOf(floor.child.pid!)
        const t0 = performance.now()
        const got = await getAll(floor.port)
        const s = (performance.now() - t0) / 1000
        const c1 = cpuSplitOf(floor.child.pid!)
        if (got.bytes !== BYTES || got.sha256 !== sender.sha256) throw new Error(`floor ${v.store}/${v.reads}: other bytes arrived (${got.bytes} bytes)`)
        const gib = BYTES / GiB
        const user = (c1.user - c0.user) / gib
        const sys = (c1.sys - c0.sys) / gib
        rows.push([`${v.store === 'files' ? 'a file per piece' : v.store === 'one' ? 'one file' : 'no disk'}, ${v.reads === 'fresh' ? 'fresh buffer per read' : 'one reused read buffer'}`,
          (BYTES / MiB / s).toFixed(1), user.toFixed(2), sys.toFixed(2), (user + sys).toFixed(2)])
        console.log(`  floor ${v.store}/${v.reads}: ${rows.at(-1)!.slice(1).join(' / ')}`)
      } finally {
        floor.child.kill()
        rmSync(dir, { recursive: true, force: true })
      }
    }
  } finally { sender.child.kill() }
  console.log(`\nCPU floor — ${BYTES / MiB} MiB from a plain TCP sender on loopback, 1 MiB pieces SHA-1'd, written, sent over HTTP to a reader that SHA-256s; a fresh process per line; Node ${process.version}.\n`)
  console.log(renderTable(['floor process', 'MiB/s', 'user s/GiB', 'sys s/GiB', 'CPU s/GiB'], rows))
}
