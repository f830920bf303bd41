// GET /metrics in the Prometheus text format. Thin: the registry renders, the route serves.
import type { FastifyInstance } from 'fastify'
import { CONTENT_TYPE } from './registry.ts'

/** Anything that renders exposition text (the Registry, or a wrapper adding engine stats). */
export interface MetricsSource { render: () => string }

export function registerMetricsRoute (app: FastifyInstance, registry: MetricsSource): void {
  app.get('/metrics', async (_req, reply) => {
    // Scrapes must see current values, never a cached page.
    return await reply.header('Cache-Control', 'no-store').type(CONTENT_TYPE).send(registry.render())
  })
}

/** Counts every response by method and status class (momoshtrem_http_responses_total). */
export function countHttpResponses (app: FastifyInstance, metrics: { httpResponse: (method: string, status: number) => void }): void {
  app.addHook('onResponse', async (req, reply) => { metrics.httpResponse(req.method, reply.statusCode) })
}
