// A start-up step that fails names itself and closes what earlier steps opened: a torrent
// port in use used to leave the database open.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { createApp } from '../../src/app.ts'
import { StartupError } from '../../src/startup.ts'
import { startApp, tempDir, testConfig } from '../helpers/app.ts'

async function freePort (): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => s.close(() => { resolve() }))
  return port
}

/** Files this process holds open below `dir` (Linux: /proc/self/fd). */
function openFilesBelow (dir: string): string[] {
  const out: string[] = []
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(join('/proc/self/fd', fd))
      if (target.startsWith(dir)) out.push(target)
    } catch {}
  }
  return out
}

test('a torrent port in use: createApp fails at its step and leaves the database closed', { timeout: 30_000, skip: process.platform !== 'linux' && 'reads /proc/self/fd' }, async (t) => {
  const port = await freePort()
  await startApp(t, { torrent: { listen_port: port, utp: false } })
  const dir = tempDir(t)
  await assert.rejects(createApp(testConfig(dir, { torrent: { listen_port: port, utp: false } })), (err: unknown) => {
    assert.ok(err instanceof StartupError, String(err))
    assert.equal(err.step, 'start the torrent engine')
    assert.match(err.message, /EADDRINUSE/)
    return true
  })
  assert.deepEqual(openFilesBelow(dir), [], 'the failed start left files open (the database)')
})
