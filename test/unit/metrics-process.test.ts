// prom-client's process and Node metrics: on the app's own registry, their two background
// monitors (event-loop delay, GC observer) stopped by close(), never keeping a process alive.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import perfHooks from 'node:perf_hooks'
import { Registry } from 'prom-client'
import { collectProcessMetrics, liveMonitors } from '../../src/metrics/process-metrics.ts'
import { AppMetrics } from '../../src/metrics/app-metrics.ts'
import type { TorrentService } from '../../src/torrent/types.ts'
import { startApp } from '../helpers/app.ts'

const noTorrents = { cacheUsage: () => ({ used: 0, limit: 0 }), listTorrents: () => [] } as unknown as TorrentService

test('collectProcessMetrics registers the default metrics on the given registry only; close stops its two monitors', async () => {
  const { monitorEventLoopDelay, PerformanceObserver } = perfHooks
  const before = liveMonitors()
  const a = new Registry()
  const b = new Registry()
  const pa = collectProcessMetrics(a)
  const pb = collectProcessMetrics(b)
  assert.equal(liveMonitors(), before + 4, 'an event-loop-delay histogram and a GC observer each')
  assert.equal(perfHooks.monitorEventLoopDelay, monitorEventLoopDelay, 'perf_hooks put back')
  assert.equal(perfHooks.PerformanceObserver, PerformanceObserver, 'perf_hooks put back')
  await new Promise((resolve) => setTimeout(resolve, 50))
  const text = await a.metrics()
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_active_handles_total']) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name)
  }
  assert.match(text, /^nodejs_eventloop_lag_p99_seconds \d/m, 'the delay monitor ran')
  pa.close()
  pa.close()
  assert.equal(liveMonitors(), before + 2)
  assert.match(await b.metrics(), /^# TYPE nodejs_eventloop_lag_p99_seconds /m)
  pb.close()
  assert.equal(liveMonitors(), before)
})

test('AppMetrics starts them only when asked (the app), and its close stops them', () => {
  const before = liveMonitors()
  const quiet = new AppMetrics(noTorrents)
  assert.equal(liveMonitors(), before)
  quiet.close()
  const full = new AppMetrics(noTorrents, { processMetrics: true })
  assert.equal(liveMonitors(), before + 2)
  full.close()
  full.close()
  assert.equal(liveMonitors(), before)
})

test('the app\'s close stops the monitors it started', async (t) => {
  const before = liveMonitors()
  const app = await startApp(t)
  assert.equal(liveMonitors(), before + 2)
  await app.close()
  assert.equal(liveMonitors(), before)
})

test('a process that never closes its metrics still exits on its own', { timeout: 60_000 }, () => {
  const script = [
    `const { AppMetrics } = await import(${JSON.stringify(new URL('../../src/metrics/app-metrics.ts', import.meta.url).href)})`,
    'const m = new AppMetrics({ cacheUsage: () => ({ used: 0, limit: 0 }), listTorrents: () => [] }, { processMetrics: true })',
    'await new Promise((resolve) => setTimeout(resolve, 100))',
    "process.stdout.write((await m.registry.metrics()).includes('nodejs_eventloop_lag_p99_seconds') ? 'scraped' : 'missing')"
  ].join('\n')
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(child.error, undefined, 'exited before the 30 s timeout')
  assert.equal(child.status, 0, child.stderr)
  assert.equal(child.stdout, 'scraped')
})
