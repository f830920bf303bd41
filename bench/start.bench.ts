// Start-up: a fresh process on an empty library until GET /api/status answers 200, the built
// server (dist/server/main.cjs through the bin, what `npm start` runs) beside the TypeScript
// sources through tsx (the old `npm start`) and plain `node -e ''` (the floor: Node itself),
// five starts each, interleaved so that load on the machine hits every line alike.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fmtMs, median, renderTable } from './lib/table.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const RUNS = 5
const TIMEOUT_MS = 30_000

interface Variant { name: string, args: string[] }
const variants: Variant[] = [
  { name: 'built (npm start: bin -> dist/server/main.cjs)', args: [join(root, 'bin/momoshtrem.js'), 'serve'] },
  { name: 'sources through tsx (the old npm start)', args: ['--import', 'tsx', join(root, 'src/main.ts'), 'serve'] }
]

/** ms from spawn until /api/status answered 200; the process is stopped and its data removed after. */
async function startOnce (args: string[], port: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-start-'))
  const env = {
    ...process.env,
    MOMOSHTREM_SERVER_PORT: String(port),
    MOMOSHTREM_DATABASE_PATH: join(dir, 'db.sqlite'),
    MOMOSHTREM_TORRENT_METADATA_FOLDER: join(dir, 'meta'),
    MOMOSHTREM_TORRENT_CACHE_FOLDER: join(dir, 'cache'),
    MOMOSHTREM_TORRENT_DHT: 'false',
    MOMOSHTREM_LOGGING_LEVEL: 'warn'
  }
  const t0 = performance.now()
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] })
  const exited = new Promise<never>((_resolve, reject) => { child.once('exit', (code) => { reject(new Error(`exited with ${code} before answering`)) }) })
  try {
    const answered = (async () => {
      while (performance.now() - t0 < TIMEOUT_MS) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/status`)
          await res.arrayBuffer()
          if (res.status === 200) return performance.now() - t0
        } catch { /* not listening yet */ }
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
      throw new Error(`no 200 from /api/status within ${TIMEOUT_MS} ms`)
    })()
    return await Promise.race([answered, exited])
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => { if (child.exitCode !== null) resolve(null); else child.once('exit', resolve) })
    rmSync(dir, { recursive: true, force: true })
  }
}

async function nodeFloor (): Promise<number> {
  const t0 = performance.now()
  await new Promise((resolve, reject) => { spawn(process.execPath, ['-e', '']).once('exit', resolve).once('error', reject) })
  return performance.now() - t0
}

export async function run (): Promise<void> {
  if (!existsSync(join(root, 'dist/server/main.cjs'))) throw new Error('dist/server/main.cjs is missing: run `npm run build` first')
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]))
  const floor: number[] = []
  for (let i = 0; i < RUNS; i++) {
    for (const [k, v] of variants.entries()) times.get(v.name)!.push(await startOnce(v.args, 24_000 + i * 10 + k))
    floor.push(await nodeFloor())
  }
  const rows = variants.map((v) => { const xs = times.get(v.name)!; return [v.name, fmtMs(median(xs)), fmtMs(Math.min(...xs)), fmtMs(Math.max(...xs))] })
  rows.push(['node -e "" (Node itself, the floor)', fmtMs(median(floor)), fmtMs(Math.min(...floor)), fmtMs(Math.max(...floor))])
  console.log(`start to GET /api/status 200 on an empty library, ${RUNS} starts each`)
  console.log(renderTable(['variant', 'median', 'min', 'max'], rows))
  const built = median(times.get(variants[0]!.name)!)
  console.log(`built start median ${fmtMs(built)} (target 500 ms: ${built <= 500 ? 'met' : 'NOT met'}); ${(median(times.get(variants[1]!.name)!) / built).toFixed(1)}x faster than through tsx`)
}
