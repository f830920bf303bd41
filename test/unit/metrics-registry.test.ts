import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Registry, formatValue, CONTENT_TYPE } from '../../src/metrics/registry.ts'

test('counters: HELP/TYPE, unlabelled series starts at 0, labelled series in creation order', () => {
  const r = new Registry()
  const reads = r.counter({ name: 'momoshtrem_reads_total', help: 'Reads served' })
  const bytes = r.counter({ name: 'momoshtrem_read_bytes_total', help: 'Bytes served', labelNames: ['torrent', 'source'] })
  assert.equal(r.render(), [
    '# HELP momoshtrem_reads_total Reads served',
    '# TYPE momoshtrem_reads_total counter',
    'momoshtrem_reads_total 0',
    '# HELP momoshtrem_read_bytes_total Bytes served',
    '# TYPE momoshtrem_read_bytes_total counter',
    ''
  ].join('\n'))
  reads.inc()
  reads.inc(2)
  bytes.inc({ source: 'cache', torrent: 'abc' }, 100) // label order given does not matter
  bytes.inc({ torrent: 'abc', source: 'swarm' }, 5)
  bytes.inc({ torrent: 'abc', source: 'cache' }, 1)
  assert.equal(reads.get(), 3)
  assert.equal(bytes.get({ torrent: 'abc', source: 'cache' }), 101)
  assert.match(r.render(), /momoshtrem_reads_total 3\n/)
  assert.match(r.render(), /momoshtrem_read_bytes_total\{torrent="abc",source="cache"\} 101\nmomoshtrem_read_bytes_total\{torrent="abc",source="swarm"\} 5\n/)
  assert.throws(() => reads.inc(-1), RangeError)
  assert.throws(() => bytes.inc({ torrent: 'abc' }), RangeError)
  assert.throws(() => bytes.inc({ torrent: 'abc', source: 'x', extra: 1 }), RangeError)
})

test('label values and HELP are escaped', () => {
  const r = new Registry()
  const g = r.gauge({ name: 'g', help: 'line one\nback\\slash "quotes" stay', labelNames: ['path'] })
  g.set({ path: 'a\\b"c"\nd' }, 1)
  const out = r.render()
  assert.match(out, /^# HELP g line one\\nback\\\\slash "quotes" stay\n/)
  assert.ok(out.includes('g{path="a\\\\b\\"c\\"\\nd"} 1\n'), out)
})

test('gauges: set/inc/dec/remove, special values, collect before render', () => {
  const r = new Registry()
  let cacheBytes = 10
  r.gauge({ name: 'cache_bytes', help: 'Piece cache use', collect: (g) => { g.set(cacheBytes) } })
  const peers = r.gauge({ name: 'peers', help: 'Peers', labelNames: ['torrent'] })
  peers.set({ torrent: 'a' }, 5)
  peers.inc({ torrent: 'a' })
  peers.dec({ torrent: 'a' }, 3)
  peers.set({ torrent: 'b' }, Number.POSITIVE_INFINITY)
  assert.match(r.render(), /cache_bytes 10\n/)
  cacheBytes = 42
  const out = r.render()
  assert.match(out, /cache_bytes 42\n/)
  assert.match(out, /peers\{torrent="a"\} 3\npeers\{torrent="b"\} \+Inf\n/)
  peers.remove({ torrent: 'a' })
  assert.doesNotMatch(r.render(), /torrent="a"/)
  assert.equal(formatValue(Number.NaN), 'NaN')
  assert.equal(formatValue(-Infinity), '-Inf')
  assert.equal(formatValue(0.25), '0.25')
})

test('histograms: cumulative buckets, +Inf, _sum and _count, labels before le', () => {
  const r = new Registry()
  const h = r.histogram({ name: 'read_seconds', help: 'Read latency', labelNames: ['kind'], buckets: [0.1, 1, 10] })
  for (const v of [0.05, 0.1, 0.5, 3, 20]) h.observe({ kind: 'piece' }, v)
  h.observe({ kind: 'piece' }, Number.NaN) // ignored
  assert.deepEqual(h.get({ kind: 'piece' }), { count: 5, sum: 23.65 })
  assert.equal(r.render(), [
    '# HELP read_seconds Read latency',
    '# TYPE read_seconds histogram',
    'read_seconds_bucket{kind="piece",le="0.1"} 2',
    'read_seconds_bucket{kind="piece",le="1"} 3',
    'read_seconds_bucket{kind="piece",le="10"} 4',
    'read_seconds_bucket{kind="piece",le="+Inf"} 5',
    'read_seconds_sum{kind="piece"} 23.65',
    'read_seconds_count{kind="piece"} 5',
    ''
  ].join('\n'))
  const plain = r.histogram({ name: 'plain', help: 'x' })
  plain.observe(0.003)
  assert.match(r.render(), /plain_bucket\{le="0.005"\} 1\n[^]*plain_bucket\{le="\+Inf"\} 1\nplain_sum 0.003\nplain_count 1\n$/)
})

test('bad names, reserved labels, duplicates and bad buckets are refused at registration', () => {
  const r = new Registry()
  assert.throws(() => r.counter({ name: '1bad', help: '' }), RangeError)
  assert.throws(() => r.counter({ name: 'ok', help: '', labelNames: ['bad-label'] }), RangeError)
  assert.throws(() => r.counter({ name: 'ok', help: '', labelNames: ['__x'] }), RangeError)
  assert.throws(() => r.counter({ name: 'ok', help: '', labelNames: ['a', 'a'] }), RangeError)
  assert.throws(() => r.histogram({ name: 'h', help: '', labelNames: ['le'] }), RangeError)
  assert.throws(() => r.histogram({ name: 'h', help: '', buckets: [1, 1] }), RangeError)
  assert.throws(() => r.histogram({ name: 'h', help: '', buckets: [2, 1] }), RangeError)
  r.counter({ name: 'ok', help: '' })
  assert.throws(() => r.gauge({ name: 'ok', help: '' }), /already registered/)
  assert.equal(CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8')
})

test('every rendered line is a comment or name{labels} value (exposition grammar)', () => {
  const r = new Registry()
  r.counter({ name: 'a_total', help: 'A', labelNames: ['x'] }).inc({ x: 'v "q" \\ \n' })
  r.histogram({ name: 'b', help: 'B', labelNames: ['y'] }).observe({ y: 1 }, 2)
  r.gauge({ name: 'c', help: 'C' }).set(-1.5e-7)
  const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (NaN|[+-]Inf|-?[0-9.]+(e[+-]?[0-9]+)?)$/
  const lines = r.render().split('\n')
  assert.equal(lines.pop(), '')
  for (const l of lines) assert.ok(l.startsWith('# HELP ') || l.startsWith('# TYPE ') || sample.test(l), l)
})
