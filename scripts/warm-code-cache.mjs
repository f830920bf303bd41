// Starts the freshly built server once, on an empty library in a temp folder, until
// /api/status answers, and stops it: on exit the bin writes V8's code cache of the bundle
// (bin/momoshtrem.js), so the first `npm start` after `npm ci` is as quick as the next ones.
// A failure here only warns: the first real start then writes the cache instead.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const LIMIT_MS = 30_000

/** A TCP port free on loopback now. */
async function freePort () {
  const server = createServer()
  await new Promise((resolve, reject) => { server.once('error', reject).listen(0, '127.0.0.1', resolve) })
  const { port } = server.address()
  await new Promise((resolve) => { server.close(resolve) })
  return port
}

export async function warmCodeCache (root) {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-warm-'))
  let child
  try {
    const port = await freePort()
    child = spawn(process.execPath, [join(root, 'bin/momoshtrem.js'), 'serve'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      // embedded defaults only: none of this shell's MOMOSHTREM_* settings (keys, indexers)
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MOMOSHTREM_'))),
        MOMOSHTREM_SERVER_HOST: '127.0.0.1',
        MOMOSHTREM_SERVER_PORT: String(port),
        MOMOSHTREM_DATABASE_PATH: join(dir, 'library.db'),
        MOMOSHTREM_TORRENT_METADATA_FOLDER: join(dir, 'metadata'),
        MOMOSHTREM_TORRENT_CACHE_FOLDER: join(dir, 'cache'),
        MOMOSHTREM_TORRENT_LISTEN_PORT: '0',
        MOMOSHTREM_TORRENT_DHT: 'false',
        MOMOSHTREM_LOGGING_LEVEL: 'warn'
      }
    })
    const exited = new Promise((resolve) => { child.once('exit', resolve) })
    const deadline = Date.now() + LIMIT_MS
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`)
      if (Date.now() > deadline) throw new Error(`no answer within ${LIMIT_MS / 1000} s`)
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/status`, { signal: AbortSignal.timeout(2000) })
        await res.arrayBuffer()
        if (res.ok) break
      } catch { /* not listening yet */ }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    child.kill('SIGTERM')
    await exited
    console.log('wrote dist/server/main.cjs.cache (V8 code cache)')
  } catch (err) {
    child?.kill('SIGKILL')
    console.warn(`warning: no code cache written at build (${err.message}); the first start writes it`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
