// The metrics /metrics exposed before prom-client, taken from the hand-written registry's
// output (commit 077735a): dashboards, alerts and recording rules name them, so each keeps its
// name, type, help text and labels. prom-client's process and Node metrics come on top.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppMetrics } from '../../src/metrics/app-metrics.ts'
import type { TorrentService, TorrentStats } from '../../src/torrent/types.ts'
import { startApp } from '../helpers/app.ts'

const KEPT: ReadonlyArray<{ name: string, type: 'counter' | 'gauge' | 'histogram', help: string, labels: string[] }> = [
  { name: 'momoshtrem_read_latency_seconds', type: 'histogram', help: 'Time a player read waited for its bytes (WebDAV reads of torrent files)', labels: [] },
  { name: 'momoshtrem_reads_total', type: 'counter', help: 'Torrent file reads by result', labels: ['result'] },
  { name: 'momoshtrem_read_bytes_total', type: 'counter', help: 'Bytes delivered to players', labels: [] },
  { name: 'momoshtrem_read_stalls_total', type: 'counter', help: 'Reads that waited more than 1 s', labels: [] },
  { name: 'momoshtrem_layout_probes_total', type: 'counter', help: 'Container layout lookups on first open: probed (read the file), cached (layout cache hit), failed', labels: ['result'] },
  { name: 'momoshtrem_file_opens_total', type: 'counter', help: 'File handles by kind: cold (new state) or reused (state kept by another handle or within handle_grace)', labels: ['kind'] },
  { name: 'momoshtrem_next_episode_warmups_total', type: 'counter', help: 'Next-episode warm-ups started', labels: [] },
  { name: 'momoshtrem_http_responses_total', type: 'counter', help: 'HTTP responses by method and status class', labels: ['method', 'code'] },
  { name: 'momoshtrem_cache_bytes', type: 'gauge', help: 'Bytes in the piece cache', labels: [] },
  { name: 'momoshtrem_cache_limit_bytes', type: 'gauge', help: 'Piece cache budget (global_cache_size)', labels: [] },
  { name: 'momoshtrem_cache_pinned_bytes', type: 'gauge', help: 'Bytes of head/tail/index ranges pinned for assigned files', labels: [] },
  { name: 'momoshtrem_torrents', type: 'gauge', help: 'Loaded torrents by state', labels: ['state'] },
  { name: 'momoshtrem_peers', type: 'gauge', help: 'Connected peers over all torrents', labels: [] },
  { name: 'momoshtrem_torrent_download_bytes_total', type: 'counter', help: 'Payload bytes downloaded', labels: [] },
  { name: 'momoshtrem_torrent_upload_bytes_total', type: 'counter', help: 'Payload bytes uploaded', labels: [] },
  { name: 'momoshtrem_torrent_wasted_bytes_total', type: 'counter', help: 'Downloaded payload bytes that did not end up in a verified piece (duplicates, pieces abandoned half-way, hash failures)', labels: [] }
]

/** Metrics added since (the piece pool's, the hot set's and the piece files' totals, for the benches). */
const ADDED = ['momoshtrem_piece_pool_pieces_total', 'momoshtrem_piece_pool_views_returned_total', 'momoshtrem_hot_pieces_reads_total', 'momoshtrem_piece_memory_bytes', 'momoshtrem_piece_files_written_total']

/** A few of prom-client's default metrics that dashboards for Node processes use. */
const PROCESS = ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'process_open_fds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_active_handles_total']

/** Label names of every sample of `family` (a histogram's _bucket/_sum/_count too; `le` left out). */
function sampleLabels (text: string, family: string): Set<string> {
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line)
    if (m === null || !['', '_bucket', '_sum', '_count'].some((suffix) => m[1] === family + suffix)) continue
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) if (l[1] !== 'le') names.add(l[1]!)
  }
  return names
}

function assertKept (text: string): void {
  for (const m of KEPT) {
    assert.ok(text.includes(`\n# HELP ${m.name} ${m.help}\n`) || text.startsWith(`# HELP ${m.name} ${m.help}\n`), `HELP of ${m.name}`)
    assert.ok(text.includes(`\n# TYPE ${m.name} ${m.type}\n`), `TYPE of ${m.name}`)
  }
}

const stats = (over: Partial<TorrentStats>): TorrentStats => over as TorrentStats

test('every metric exposed before prom-client keeps its name, type, help and labels', async () => {
  assert.equal(KEPT.length, 16)
  const torrents = {
    cacheUsage: () => ({ used: 10, limit: 100 }),
    listTorrents: () => [stats({ infoHash: 'a', state: 'active', peers: 4, downloaded: 5, uploaded: 6, wasted: 1 })]
  } as unknown as TorrentService
  const metrics = new AppMetrics(torrents, { pinnedBytes: () => 3 })
  // one sample of each labelled metric, so that its labels show
  metrics.startRead('a', 0)({ result: 'ok', bytes: 10, pieceIndex: 0, peers: () => 1 })
  metrics.layoutProbe('a', 0, 'probed')
  metrics.opened('a', 0, true)
  metrics.warmupStarted()
  metrics.httpResponse('GET', 206)
  const text = await metrics.registry.metrics()
  assertKept(text)
  for (const m of KEPT) assert.deepEqual([...sampleLabels(text, m.name)].sort(), [...m.labels].sort(), `labels of ${m.name}`)
  const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1])
  assert.deepEqual(families.sort(), [...KEPT.map((m) => m.name), ...ADDED].sort(), 'nothing more without processMetrics')
  assert.match(text, /^momoshtrem_torrents\{state="active"\} 1$/m)
  assert.match(text, /^momoshtrem_torrents\{state="paused"\} 0$/m)
  assert.match(text, /^momoshtrem_cache_pinned_bytes 3$/m)
  assert.match(text, /^momoshtrem_torrent_download_bytes_total 5$/m)
  assert.match(text, /^momoshtrem_http_responses_total\{method="GET",code="2xx"\} 1$/m)
})

test('the app\'s /metrics has every kept metric and the process metrics', async (t) => {
  const app = await startApp(t)
  const res = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(10_000) })
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  const text = await res.text()
  assertKept(text)
  for (const name of PROCESS) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name)
  // counted before the scrape: the request itself is counted once answered
  const again = await (await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()
  assert.match(again, /^momoshtrem_http_responses_total\{method="GET",code="2xx"\} [1-9]\d*$/m)
})
