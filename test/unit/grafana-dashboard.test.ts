// docs/grafana-dashboard.json references only what /metrics exposes: every PromQL expression is
// tokenised and walked (functions, aggregations, selectors, label lists), and each metric name
// (a histogram's _bucket/_sum/_count taken back to its family) must be a family of a real scrape
// of the app; each label it matches or groups by must be one of that metric's labels or a target
// label Prometheus adds. The dashboard is an export: the datasource is the input ${DS_PROMETHEUS}.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppMetrics } from '../../src/metrics/app-metrics.ts'
import type { TorrentService } from '../../src/torrent/types.ts'
import { startApp } from '../helpers/app.ts'

const DASHBOARD = new URL('../../docs/grafana-dashboard.json', import.meta.url)
/** labels Prometheus adds to every series it scrapes */
const TARGET_LABELS = ['instance', 'job']
const FUNCTIONS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'group',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'resets', 'changes', 'predict_linear',
  'histogram_quantile', 'time', 'vector', 'scalar', 'abs', 'clamp_min', 'clamp_max', 'round', 'ceil', 'floor',
  'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'absent'
])
const KEYWORDS_WITH_LABELS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'])
const KEYWORDS = new Set(['bool', 'offset', 'and', 'or', 'unless'])

interface Panel { id?: number, type: string, title?: string, datasource?: { type: string, uid: string }, targets?: Array<{ expr?: string, refId: string, datasource?: { uid: string } }>, panels?: Panel[] }
interface Dashboard {
  __inputs: Array<{ name: string, type: string, pluginId: string }>
  panels: Panel[]
  templating: { list: Array<{ name: string, datasource?: { uid: string }, query: string | { query: string } }> }
}

type Token = { kind: 'ident' | 'number' | 'string' | 'op' | 'range', text: string } | { kind: 'matchers', labels: string[] }

/** Grafana's variables: intervals become a duration, others may appear only inside strings. */
const substitute = (expr: string): string => expr
  .replace(/\$\{?__(rate_interval|interval|range)\}?/g, '5m')
  .replace(/\$\{?[A-Za-z_]\w*(?::\w+)?\}?/g, 'v')

/** PromQL tokens; throws on anything outside the language. */
function tokenize (src: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const rest = (): string => src.slice(i)
  while (i < src.length) {
    const r = rest()
    let m: RegExpExecArray | null
    if ((m = /^\s+/.exec(r)) !== null) { i += m[0].length; continue }
    if ((m = /^\[(\d+[smhdwy](?:\d+[smhdwy])*)(?::(\d+[smhdwy])?)?\]/.exec(r)) !== null) { tokens.push({ kind: 'range', text: m[0] }); i += m[0].length; continue }
    if (r.startsWith('{')) {
      const close = r.indexOf('}')
      assert.ok(close > 0, `unclosed { in ${src}`)
      const body = r.slice(1, close).trim()
      const labels: string[] = []
      for (const matcher of body === '' ? [] : body.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
        const mm = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*$/.exec(matcher)
        assert.ok(mm !== null, `bad label matcher "${matcher}" in ${src}`)
        labels.push(mm[1]!)
      }
      tokens.push({ kind: 'matchers', labels })
      i += close + 1
      continue
    }
    if ((m = /^"(?:[^"\\]|\\.)*"/.exec(r)) !== null) { tokens.push({ kind: 'string', text: m[0] }); i += m[0].length; continue }
    if ((m = /^(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)(?![a-zA-Z_])/.exec(r)) !== null) { tokens.push({ kind: 'number', text: m[0] }); i += m[0].length; continue }
    if ((m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(r)) !== null) { tokens.push({ kind: 'ident', text: m[0] }); i += m[0].length; continue }
    if ((m = /^(?:==|!=|<=|>=|=~|!~|[-+*/%^<>(),])/.exec(r)) !== null) { tokens.push({ kind: 'op', text: m[0] }); i += m[0].length; continue }
    assert.fail(`unexpected "${r.slice(0, 10)}" in ${src}`)
  }
  return tokens
}

interface Use { metrics: Array<{ name: string, labels: string[] }>, grouping: string[] }

/** The metrics an expression selects (with the labels it matches) and the labels it groups by. */
function uses (expr: string): Use {
  const tokens = tokenize(substitute(expr))
  const out: Use = { metrics: [], grouping: [] }
  let depth = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const next = tokens[i + 1]
    const opens = next?.kind === 'op' && next.text === '('
    if (t.kind === 'op' && t.text === '(') depth++
    if (t.kind === 'op' && t.text === ')') { depth--; assert.ok(depth >= 0, `unbalanced ) in ${expr}`) }
    if (t.kind === 'matchers') assert.fail(`a selector without a metric name in ${expr}`)
    if (t.kind !== 'ident') continue
    if (KEYWORDS_WITH_LABELS.has(t.text) && opens) {
      const end = tokens.findIndex((x, j) => j > i && x.kind === 'op' && x.text === ')')
      assert.ok(end > 0, `unclosed label list in ${expr}`)
      for (const x of tokens.slice(i + 2, end)) {
        if (x.kind === 'ident') out.grouping.push(x.text)
        else assert.ok(x.kind === 'op' && x.text === ',', `bad label list in ${expr}`)
      }
      i = end
    } else if (KEYWORDS.has(t.text) || KEYWORDS_WITH_LABELS.has(t.text)) {
      // operators written as words
    } else if (opens || (next?.kind === 'ident' && (next.text === 'by' || next.text === 'without'))) {
      // a function call, or an aggregation with its grouping first: sum by (le) (...)
      assert.ok(FUNCTIONS.has(t.text), `unknown function ${t.text} in ${expr}`)
    } else {
      const matchers = next?.kind === 'matchers' ? next.labels : []
      out.metrics.push({ name: t.text, labels: matchers })
      if (next?.kind === 'matchers') i++
    }
  }
  assert.equal(depth, 0, `unbalanced ( in ${expr}`)
  return out
}

/** Every PromQL expression of the dashboard: panel targets (rows included) and variable queries. */
function expressions (d: Dashboard): Array<{ where: string, expr: string }> {
  const out: Array<{ where: string, expr: string }> = []
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr !== undefined) out.push({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr })
      walk(p.panels ?? [])
    }
  }
  walk(d.panels)
  for (const v of d.templating.list) {
    // label_values(selector, label): the selector is PromQL, the label one of its labels
    const q = typeof v.query === 'string' ? v.query : v.query.query
    const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(q)
    assert.ok(m !== null, `variable ${v.name}: a label_values query, got ${q}`)
    out.push({ where: `variable ${v.name}`, expr: `count by (${m[2]!}) (${m[1]!})` })
  }
  return out
}

/** family -> label names seen on its samples, from exposition text (TYPE lines give the families). */
function families (text: string, into = new Map<string, { type: string, labels: Set<string> }>()): Map<string, { type: string, labels: Set<string> }> {
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) if (!into.has(m[1]!)) into.set(m[1]!, { type: m[2]!, labels: new Set() })
  for (const line of text.split('\n')) {
    const s = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} /.exec(line)
    if (s === null) continue
    const f = into.get(s[1]!) ?? into.get(s[1]!.replace(/_(bucket|sum|count)$/, ''))
    for (const l of s[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) f?.labels.add(l[1]!)
  }
  return into
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard

test('the dashboard is an export: datasource input ${DS_PROMETHEUS} on every panel and query', () => {
  assert.deepEqual(dashboard.__inputs.map((i) => [i.name, i.type, i.pluginId]), [['DS_PROMETHEUS', 'datasource', 'prometheus']])
  const ids = new Set<number>()
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      assert.equal(typeof p.id, 'number')
      assert.ok(!ids.has(p.id!), `panel id ${p.id} twice`)
      ids.add(p.id!)
      if (p.type !== 'row') assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${DS_PROMETHEUS}' }, `panel ${p.id}`)
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, '${DS_PROMETHEUS}', `panel ${p.id} ${t.refId}`)
      walk(p.panels ?? [])
    }
  }
  walk(dashboard.panels)
  for (const v of dashboard.templating.list) assert.equal(v.datasource?.uid, '${DS_PROMETHEUS}')
  assert.ok(expressions(dashboard).length >= 30)
})

test('the expression walker finds metrics, matchers and groupings, and refuses what is not PromQL', () => {
  assert.deepEqual(uses('histogram_quantile(0.99, sum by (le) (rate(a_bucket{instance=~"$instance",x!="y,z"}[$__rate_interval])))'),
    { metrics: [{ name: 'a_bucket', labels: ['instance', 'x'] }], grouping: ['le'] })
  assert.deepEqual(uses('sum(rate(a[5m])) by (k) / on (k) group_left b * 60'), { metrics: [{ name: 'a', labels: [] }, { name: 'b', labels: [] }], grouping: ['k', 'k'] })
  assert.deepEqual(uses('time() - max(c)'), { metrics: [{ name: 'c', labels: [] }], grouping: [] })
  assert.throws(() => uses('sum(rate(a[5m])'), /unbalanced/)
  assert.throws(() => uses('rat(a[5m])'), /unknown function/)
  assert.throws(() => uses('a{b="c"'), /unclosed/)
  assert.throws(() => uses('a{b=c}'), /bad label matcher/)
  assert.throws(() => uses('a[5 m]'), /unexpected/)
  assert.throws(() => uses('{__name__="a"}'), /without a metric name/)
})

test('every metric and label the dashboard uses is in a real /metrics scrape of the app', async (t) => {
  const app = await startApp(t)
  // some 50 MB of garbage, so that the GC histogram has a sample (and shows its `kind` label)
  for (let i = 0; i < 2000; i++) Array.from({ length: 1000 }, (_, j) => ({ j }))
  await new Promise((resolve) => setTimeout(resolve, 100))
  await fetch(`${app.url}/api/status`, { signal: AbortSignal.timeout(10_000) })
  const res = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(10_000) })
  assert.equal(res.status, 200)
  const scraped = families(await res.text())
  // labelled series of ours appear once something happened: their label names from the same code
  const own = new AppMetrics({ cacheUsage: () => ({ used: 0, limit: 0 }), listTorrents: () => [] } as unknown as TorrentService)
  own.startRead('x', 0)({ result: 'ok', bytes: 1, pieceIndex: 0, peers: () => 0 })
  own.layoutProbe('x', 0, 'probed')
  own.opened('x', 0, false)
  own.httpResponse('GET', 200)
  const known = families(await own.registry.metrics(), new Map())
  for (const [name, f] of known) {
    assert.ok(scraped.has(name), `${name} is in the app's scrape`)
    for (const l of f.labels) scraped.get(name)!.labels.add(l)
  }

  const used = new Set<string>()
  for (const { where, expr } of expressions(dashboard)) {
    const u = uses(expr)
    assert.ok(u.metrics.length > 0, `${where}: no metric in ${expr}`)
    const labels = new Set(TARGET_LABELS)
    for (const m of u.metrics) {
      const family = scraped.has(m.name) ? m.name : m.name.replace(/_(bucket|sum|count)$/, '')
      const f = scraped.get(family)
      assert.ok(f !== undefined && (family === m.name || f.type === 'histogram' || (f.type === 'summary' && !m.name.endsWith('_bucket'))), `${where}: ${m.name} is not in /metrics`)
      used.add(family)
      const allowed = new Set([...f.labels, ...TARGET_LABELS, ...(m.name.endsWith('_bucket') ? ['le'] : [])])
      for (const l of m.labels) assert.ok(allowed.has(l), `${where}: ${m.name} has no label ${l}`)
      for (const l of allowed) labels.add(l)
    }
    for (const l of u.grouping) assert.ok(labels.has(l), `${where}: grouped by ${l}, which none of its metrics has`)
  }
  // the streaming-health essentials are all on the dashboard
  for (const name of ['momoshtrem_read_latency_seconds', 'momoshtrem_read_stalls_total', 'momoshtrem_cache_bytes', 'momoshtrem_cache_limit_bytes', 'momoshtrem_peers',
    'momoshtrem_torrent_download_bytes_total', 'momoshtrem_torrent_upload_bytes_total', 'momoshtrem_http_responses_total',
    'process_resident_memory_bytes', 'process_cpu_user_seconds_total', 'nodejs_eventloop_lag_p99_seconds']) {
    assert.ok(used.has(name), `the dashboard shows ${name}`)
  }
})

test('promtool parses every expression (when promtool is on the PATH)', (t) => {
  const exprs = expressions(dashboard)
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-dashboard-'))
  t.after(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'rules.json')
  // a rules file is YAML, of which JSON is a subset; promtool parses each `expr` as PromQL
  writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:expr_${i}`, expr: substitute(e.expr) })) }] }))
  const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })
  if (r.error !== undefined) {
    t.skip('promtool not on the PATH')
    return
  }
  assert.equal(r.status, 0, r.stdout + r.stderr)
})
