import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { Counter, Registry } from 'prom-client'
import { countHttpResponses, registerMetricsRoute } from '../../src/metrics/routes.ts'

test('GET /metrics serves the registry in the Prometheus text format, never cached; HEAD too', async (t) => {
  const app = Fastify()
  t.after(async () => { await app.close() })
  const registry = new Registry()
  const reads = new Counter({ name: 'momoshtrem_reads_total', help: 'Reads', registers: [registry] })
  registerMetricsRoute(app, registry)
  reads.inc(3)
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.equal(res.body, '# HELP momoshtrem_reads_total Reads\n# TYPE momoshtrem_reads_total counter\nmomoshtrem_reads_total 3\n')
  reads.inc()
  assert.match((await app.inject({ method: 'GET', url: '/metrics' })).body, /^momoshtrem_reads_total 4$/m)
  const head = await app.inject({ method: 'HEAD', url: '/metrics' })
  assert.equal(head.statusCode, 200)
  assert.equal(head.body, '')
})

test('every response is counted by method and status class', async (t) => {
  const app = Fastify()
  t.after(async () => { await app.close() })
  const seen: string[] = []
  countHttpResponses(app, { httpResponse: (method, status) => { seen.push(`${method} ${status}`) } })
  app.get('/ok', async () => 'ok')
  await app.inject({ method: 'GET', url: '/ok' })
  await app.inject({ method: 'POST', url: '/ok' })
  assert.deepEqual(seen, ['GET 200', 'POST 404'])
})
