import type { FastifyInstance } from 'fastify'

/** Request logs at debug, 4xx at warn, 5xx at error (one line per response). */
export function registerRequestLogging (app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    const entry = { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }
    if (reply.statusCode >= 500) req.log.error(entry, 'request failed')
    else if (reply.statusCode >= 400) req.log.warn(entry, 'request rejected')
    else req.log.debug(entry, 'request')
  })
}
