// Starts the real app (createApp, the production path) on port 0 with a temp data folder.
// Everything is closed and removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { loadConfig, type DeepPartial } from '../../src/config/load.ts'
import type { Config } from '../../src/config/schema.ts'
import { createApp, type App } from '../../src/app.ts'

export interface TestApp {
  app: App
  /** http://127.0.0.1:PORT */
  url: string
  dataDir: string
  /** Closes the app (idempotent); the temp folder stays until the test ends (for restart tests). */
  close (): Promise<void>
}

/** Apps still open on a folder: tempDir's cleanup closes them before removing it. */
const openApps = new Map<string, Set<() => Promise<void>>>()

/**
 * A temp folder removed when the test ends. t.after hooks run in registration order, so a
 * folder made before an app would otherwise be removed while the app's engine still writes
 * to it; the cleanup therefore closes every app started on the folder first.
 */
export function tempDir (t: TestContext, prefix = 'momoshtrem-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.after(async () => {
    for (const close of openApps.get(dir) ?? []) await close()
    openApps.delete(dir)
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 })
  })
  return dir
}

/** Config for tests: port 0, everything under dataDir, no DHT, quiet logs. */
export function testConfig (dataDir: string, overrides: DeepPartial<Config> = {}): Readonly<Config> {
  const base: DeepPartial<Config> = {
    server: { host: '127.0.0.1', port: 0 },
    database: { path: join(dataDir, 'momoshtrem.db') },
    torrent: {
      metadata_folder: join(dataDir, 'torrents'),
      cache_folder: join(dataDir, 'cache'),
      dht: false,
      lsd: false,
      pex: false,
      listen_port: 0
    },
    subtitles: { folder: join(dataDir, 'subtitles') },
    logging: { level: (process.env.TEST_LOG_LEVEL as Config['logging']['level'] | undefined) ?? 'silent' }
  }
  const merged: Record<string, Record<string, unknown>> = {}
  for (const layer of [base, overrides] as Array<Record<string, Record<string, unknown> | undefined>>) {
    for (const [section, values] of Object.entries(layer)) merged[section] = Array.isArray(values) ? values : { ...merged[section], ...values }
  }
  return loadConfig({ env: {}, overrides: merged as DeepPartial<Config> })
}

/**
 * Starts the app. Pass the same `dataDir` again to restart on the same data.
 */
export async function startApp (t: TestContext, overrides: DeepPartial<Config> = {}, dataDir?: string): Promise<TestApp> {
  const dir = dataDir ?? tempDir(t)
  const app = await createApp(testConfig(dir, overrides))
  let url: string
  try {
    url = await app.listen()
  } catch (err) {
    await app.close()
    throw err
  }
  const close = async (): Promise<void> => { await app.close() }
  if (!openApps.has(dir)) openApps.set(dir, new Set())
  openApps.get(dir)!.add(close)
  t.after(close)
  return { app, url, dataDir: dir, close }
}
