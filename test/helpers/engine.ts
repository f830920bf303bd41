// Creates the real TorrentService (src/torrent/service.ts) for tests, on a temp data folder,
// talking only to 127.0.0.1: no DHT, no LSD, no PEX, no uTP, no default trackers.
import type { TestContext } from 'node:test'
import { readdirSync, statSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTorrentService } from '../../src/torrent/service.ts'
import type { TorrentService } from '../../src/torrent/types.ts'
import type { Config } from '../../src/config/schema.ts'
import { createLogger } from '../../src/logger.ts'
import { testConfig } from './app.ts'
import { withTimeout } from './wait.ts'

export type TorrentConfig = Config['torrent']

export interface TestEngine {
  engine: TorrentService
  cfg: Readonly<TorrentConfig>
  dataDir: string
  /** Closes the engine (idempotent, bounded to 15 s). */
  close (): Promise<void>
}

export function engineConfig (dataDir: string, overrides: Partial<TorrentConfig> = {}): Readonly<TorrentConfig> {
  return testConfig(dataDir, {
    torrent: {
      dht: false,
      lsd: false,
      pex: false,
      utp: false,
      trackers: [],
      start_paused: false,
      ...overrides
    }
  }).torrent
}

/**
 * A fresh engine; pass `dataDir` of an earlier engine to restart on the same folders.
 * Closed in t.after.
 */
export async function createTestEngine (t: TestContext, overrides: Partial<TorrentConfig> = {}, dataDir?: string): Promise<TestEngine> {
  // The folder is removed only after every engine on it has closed: t.after hooks run in
  // registration order, and an engine still flushing cache writes would recreate it.
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'momoshtrem-engine-'))
  const cfg = engineConfig(dir, overrides)
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent')
  openEngines.set(dir, (openEngines.get(dir) ?? 0) + 1)
  let engine: TorrentService
  try {
    engine = await withTimeout(createTorrentService(cfg, logger), 15_000, 'createTorrentService')
  } catch (err) {
    release(dir)
    throw err
  }
  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closing ??= withTimeout(engine.close(), 15_000, 'engine.close()')
    await closing
  }
  t.after(async () => {
    try { await close() } finally { release(dir) }
  })
  return { engine, cfg, dataDir: dir, close }
}

const openEngines = new Map<string, number>()

/** One engine on `dir` is done (closed at test end); the last one removes the folder. */
function release (dir: string): void {
  const n = (openEngines.get(dir) ?? 1) - 1
  if (n > 0) { openEngines.set(dir, n); return }
  openEngines.delete(dir)
  rmSync(dir, { recursive: true, force: true })
}

/** Total bytes of regular files below `dir` (0 when it does not exist). */
export function folderBytes (dir: string): number {
  if (!existsSync(dir)) return 0
  let total = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    // the engine evicts while we walk: a piece file listed a moment ago may be gone
    const st = statSync(p, { throwIfNoEntry: false })
    if (st === undefined) continue
    if (st.isDirectory()) total += folderBytes(p)
    else if (st.isFile()) total += st.blocks * 512 < st.size ? st.blocks * 512 : st.size
  }
  return total
}

/** Every regular file below `dir`, with its path. */
export function listFiles (dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    if (st.isDirectory()) out.push(...listFiles(p))
    else if (st.isFile()) out.push(p)
  }
  return out
}
