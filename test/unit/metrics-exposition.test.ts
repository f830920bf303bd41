// The page /metrics serves parses as the Prometheus text format 0.0.4: every line a comment or a
// sample of a declared family, label values escaped, histograms cumulative. With promtool on
// the PATH (Debian package `prometheus`), `promtool check metrics` reads it as well. prom-client
// writes NaN as `Nan` (event-loop figures before the first delay sample): Prometheus parses
// floats as Go does, case-insensitively, so the grammar below accepts it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { AppMetrics } from '../../src/metrics/app-metrics.ts'
import type { TorrentService, TorrentStats } from '../../src/torrent/types.ts'

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? ([Nn][Aa][Nn]|[+-]Inf|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/
const TYPE = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/
const HELP = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (?:[^\\\n]|\\[\\n])*$/
/** prom-client's own names that promtool's lint flags (gauges ending in _total): not ours to rename */
const PROM_CLIENT_LINT = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

interface Family { type: string, samples: Array<{ name: string, labels: string, value: number }> }

/** Parses exposition text; throws on the first line that is neither a comment nor a sample. */
function parse (text: string): Map<string, Family> {
  const families = new Map<string, Family>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = TYPE.exec(line)
    if (type !== null) {
      assert.ok(!families.has(type[1]!), `${type[1]} declared twice`)
      families.set(type[1]!, { type: type[2]!, samples: [] })
      continue
    }
    if (line.startsWith('# HELP ')) { assert.match(line, HELP); continue }
    const s = SAMPLE.exec(line)
    assert.ok(s !== null, `not a sample: ${line}`)
    const name = s[1]!
    const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''))
    assert.ok(family !== undefined, `sample before its TYPE: ${line}`)
    family.samples.push({ name, labels: s[2] ?? '', value: /^nan$/i.test(s[3]!) ? Number.NaN : Number(s[3]!.replace('Inf', 'Infinity')) })
  }
  return families
}

test('the page parses: declared families, escaped labels, cumulative histograms; promtool agrees', async (t) => {
  const torrents = {
    cacheUsage: () => ({ used: 1, limit: 2 }),
    listTorrents: () => [{ infoHash: 'a', state: 'idle', peers: 0, downloaded: 0, uploaded: 0, wasted: 0 } as unknown as TorrentStats]
  } as unknown as TorrentService
  const metrics = new AppMetrics(torrents, { processMetrics: true })
  t.after(() => { metrics.close() })
  for (const [result, bytes] of [['ok', 5], ['error', 0], ['aborted', 0]] as const) {
    metrics.startRead('a', 1)({ result, bytes, pieceIndex: 0, peers: () => 0 })
  }
  metrics.httpResponse('WEIRD"\\\nMETHOD', 503) // a method is whatever the client sent
  const families = parse(await metrics.registry.metrics())

  const http = families.get('momoshtrem_http_responses_total')!
  assert.equal(http.samples[0]!.labels, '{method="WEIRD\\"\\\\\\nMETHOD",code="5xx"}')
  const h = families.get('momoshtrem_read_latency_seconds')!
  assert.equal(h.type, 'histogram')
  const buckets = h.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => s.value)
  assert.equal(buckets.length, 14, '13 bounds and +Inf')
  assert.ok(buckets.every((v, i) => i === 0 || v >= buckets[i - 1]!), 'cumulative')
  assert.equal(buckets.at(-1), 2, 'aborted reads are not latency samples')
  assert.equal(h.samples.find((s) => s.name.endsWith('_count'))!.value, 2)
  assert.ok(families.has('nodejs_gc_duration_seconds'))

  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: await metrics.registry.metrics(), encoding: 'utf8' })
  if (promtool.error !== undefined) {
    t.diagnostic('promtool not on the PATH: checked by the parser above only')
    return
  }
  // 0: clean; 3: lint problems only (1 would be a parse error)
  assert.ok(promtool.status === 0 || promtool.status === 3, `promtool exit ${promtool.status}: ${promtool.stdout}${promtool.stderr}`)
  const problems = (promtool.stdout + promtool.stderr).split('\n').filter((l) => l.trim() !== '')
  for (const p of problems) assert.ok(PROM_CLIENT_LINT.some((n) => p.startsWith(`${n} `)), `promtool: ${p}`)
})

test('the parser refuses what is not exposition text', () => {
  assert.throws(() => parse('momoshtrem_x 1\n'), /sample before its TYPE/)
  assert.throws(() => parse('# TYPE a counter\na{b="unterminated} 1\n'), /not a sample/)
  assert.throws(() => parse('# TYPE a counter\na one\n'), /not a sample/)
  assert.equal(parse('# HELP a A\n# TYPE a counter\na{b="x\\"y"} +Inf\n').get('a')!.samples[0]!.value, Infinity)
})
