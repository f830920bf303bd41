// Real BitTorrent clients (Debian packages) as seeders for the interop tests: aria2c and
// transmission-cli, each seeding a .torrent built here with create-torrent, announcing only to
// the local tracker, with DHT, LSD and PEX off. Each runs as a child process killed in t.after.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { importUntyped } from './untyped.ts'
import type { Fixture } from './fixtures.ts'


export interface TorrentFileInfo {
  buf: Buffer
  path: string
  infoHash: string
  name: string
  pieceLength: number
  pieceCount: number
  length: number
  files: Array<{ path: string, length: number, offset: number }>
}

/** Builds a .torrent for the fixture (announce = the local tracker only) and writes it to `dir`. */
export async function makeTorrentFile (fx: Fixture, pieceLength: number, announce: string[], dir: string): Promise<TorrentFileInfo> {
  const createTorrent = (await importUntyped<{ default: (input: string, opts: object, cb: (err: Error | null, buf: Buffer) => void) => void }>('create-torrent')).default
  const parseTorrent = (await importUntyped<{ default: (buf: Buffer) => Promise<any> }>('parse-torrent')).default
  const buf: Buffer = await new Promise((resolve, reject) => {
    createTorrent(fx.root, { pieceLength, announceList: announce.map((u) => [u]), createdBy: 'momoshtrem-test', private: false }, (err, b) => {
      if (err !== null) reject(err)
      else resolve(b)
    })
  })
  const parsed = await parseTorrent(buf)
  const path = join(dir, `${parsed.infoHash as string}.torrent`)
  writeFileSync(path, buf)
  return {
    buf,
    path,
    infoHash: parsed.infoHash,
    name: parsed.name,
    pieceLength: parsed.pieceLength,
    pieceCount: parsed.pieces.length,
    length: parsed.length,
    files: (parsed.files as Array<{ path: string, length: number, offset: number }>).map((f) => ({ path: f.path.split(/[\\/]/).join('/'), length: f.length, offset: f.offset }))
  }
}

/** Why `bin` cannot be used (for t.skip), or undefined when it runs. */
export function missingBinary (bin: string, args: string[] = ['--version']): string | undefined {
  const r = spawnSync(bin, args, { stdio: 'ignore', timeout: 10_000 })
  if (r.error !== undefined) return `${bin} is not installed (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); run scripts/ci-interop-setup.sh`
  return undefined
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

export interface ClientSeeder {
  port: number
  child: ChildProcess
  /** the client's output so far (for failure messages) */
  output (): string
  /** the client's own log file, when it writes one */
  logFile?: string
  stop (): Promise<void>
}

function track (t: TestContext, child: ChildProcess): ClientSeeder['stop'] {
  let exited = child.exitCode !== null
  const done = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve() }))
  const stop = async (): Promise<void> => {
    if (exited) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL') }, 3000)
    await done
    clearTimeout(timer)
  }
  t.after(stop)
  return stop
}

function collect (child: ChildProcess): () => string {
  let out = ''
  const add = (d: Buffer): void => { out = (out + d.toString()).slice(-20_000) }
  child.stdout?.on('data', add)
  child.stderr?.on('data', add)
  return () => out
}

/** aria2c seeding `torrent` from fx.baseDir. */
export async function startAria2Seeder (t: TestContext, torrent: TorrentFileInfo, fx: Fixture, work: string, extraArgs: string[] = []): Promise<ClientSeeder> {
  const port = await freePort()
  const child = spawn('aria2c', [
    '--no-conf=true',
    `--dir=${fx.baseDir}`,
    '--check-integrity=true',
    '--bt-seed-unverified=false',
    '--seed-ratio=0.0',
    '--enable-dht=false',
    '--enable-dht6=false',
    '--bt-enable-lpd=false',
    '--enable-peer-exchange=false',
    `--listen-port=${port}`,
    '--bt-tracker-interval=1',
    '--bt-max-peers=0',
    '--bt-stop-timeout=0',
    '--disable-ipv6=true',
    '--file-allocation=none',
    '--allow-overwrite=false',
    '--enable-rpc=false',
    '--summary-interval=0',
    '--console-log-level=warn',
    `--log=${join(work, 'aria2.log')}`,
    '--log-level=info',
    '--bt-save-metadata=false',
    '--auto-save-interval=0',
    `--save-session-interval=0`,
    `--dht-file-path=${join(work, 'dht.dat')}`,
    ...extraArgs,
    torrent.path
  ], { stdio: ['ignore', 'pipe', 'pipe'], cwd: work })
  return { port, child, output: collect(child), stop: track(t, child), logFile: join(work, 'aria2.log') }
}

/** transmission-cli seeding `torrent` from fx.baseDir, with its own config folder. */
/** `encryption`: 0 tolerated (prefers plaintext), 1 preferred, 2 required. */
export async function startTransmissionSeeder (t: TestContext, torrent: TorrentFileInfo, fx: Fixture, work: string, encryption: 0 | 1 | 2 = 1): Promise<ClientSeeder> {
  const port = await freePort()
  const configDir = join(work, 'transmission')
  mkdirSync(configDir, { recursive: true })
  writeFileSync(join(configDir, 'settings.json'), JSON.stringify({
    'dht-enabled': false,
    'lpd-enabled': false,
    'pex-enabled': false,
    'utp-enabled': false,
    'port-forwarding-enabled': false,
    'peer-port': port,
    'peer-port-random-on-start': false,
    'bind-address-ipv4': '127.0.0.1',
    'bind-address-ipv6': '::1',
    'blocklist-enabled': false,
    encryption,
    'ratio-limit-enabled': false,
    'idle-seeding-limit-enabled': false,
    'speed-limit-up-enabled': false,
    'speed-limit-down-enabled': false,
    'message-level': 2,
    'download-dir': fx.baseDir,
    'incomplete-dir-enabled': false,
    'rename-partial-files': false,
    'start-added-torrents': true,
    'cache-size-mb': 4
  }, null, 2))
  const child = spawn('transmission-cli', ['-g', configDir, '-w', fx.baseDir, '-p', String(port), '-M', '-D', '-U', '-B', ['-et', '-ep', '-er'][encryption]!, '-v', torrent.path], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: work
  })
  return { port, child, output: collect(child), stop: track(t, child) }
}
