// GET /metrics in the Prometheus text format. Thin: the registry renders, the route serves.
import type { FastifyInstance } from 'fastify'

/** What renders the page: a prom-client Registry. */
export interface MetricsSource {
  readonly contentType: string
  metrics: () => Promise<string>
}

export function registerMetricsRoute (app: FastifyInstance, registry: MetricsSource): void {
  app.get('/metrics', async (_req, reply) => {
    // Scrapes must see current values, never a cached page.
    return await reply.header('Cache-Control', 'no-store').type(registry.contentType).send(await registry.metrics())
  })
}

/** Counts every response by method and status class (momoshtrem_http_responses_total). */
export function countHttpResponses (app: FastifyInstance, metrics: { httpResponse: (method: string, status: number) => void }): void {
  app.addHook('onResponse', async (req, reply) => { metrics.httpResponse(req.method, reply.statusCode) })
}
