// The API reference page (Swagger UI) at /api/docs/, built on its first request rather than at
// start-up. @fastify/swagger-ui registers a route per asset file and loads @fastify/static and
// glob to find them: a fifth of the time from start to the first answer, for a page few
// people open. Here the page lives in a small Fastify instance of its own, made when first
// asked for, and the /api routes hand it each request (inject): the main app's hooks (Basic
// auth, request log, headers) still see every request, and its error format every 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { NotFoundError } from '../errors.ts'

/** Request headers the page's instance needs: conditional and range requests of its assets. */
const FORWARDED = ['accept', 'if-none-match', 'if-modified-since', 'range']
/** Response headers that describe the inner connection, not the answer. */
const NOT_COPIED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date'])

export interface DocsPageOptions {
  /** where the page is, e.g. /docs under the /api scope */
  prefix: string
  /** the OpenAPI document the page shows (the same object /api/openapi.json answers) */
  document: () => unknown
}

export function registerDocsPage (app: FastifyInstance, opts: DocsPageOptions): void {
  let page: Promise<FastifyInstance> | undefined
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    page ??= buildPage(`${app.prefix}${opts.prefix}`, opts.document())
    const inner = await page.catch((err: unknown) => { page = undefined; throw err })
    const headers: Record<string, string> = {}
    for (const name of FORWARDED) {
      const value = request.headers[name]
      if (typeof value === 'string') headers[name] = value
    }
    const res = await inner.inject({ method: request.method as 'GET' | 'HEAD', url: request.url, headers })
    if (res.statusCode === 404) throw new NotFoundError(`no page at ${request.url.split('?')[0] ?? ''}`)
    for (const [name, value] of Object.entries(res.headers)) {
      if (!NOT_COPIED.has(name) && value !== undefined) void reply.header(name, value)
    }
    return await reply.code(res.statusCode).send(res.rawPayload)
  }
  app.get(opts.prefix, { schema: { hide: true } }, handler)
  app.get(`${opts.prefix}/*`, { schema: { hide: true } }, handler)
}

/** Swagger UI on its own instance at `path`, showing `document` (@fastify/swagger, static mode). */
async function buildPage (path: string, document: unknown): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: fastifySwagger }, { default: fastifySwaggerUi }] = await Promise.all([
    import('fastify'), import('@fastify/swagger'), import('@fastify/swagger-ui')
  ])
  const inner = Fastify({ logger: false })
  await inner.register(fastifySwagger, { mode: 'static', specification: { document: document as never } })
  await inner.register(fastifySwaggerUi, {
    routePrefix: path,
    theme: { title: 'momoshtrem API' },
    ...swaggerUiFiles(),
    uiConfig: { deepLinking: true, docExpansion: 'list' }
  })
  await inner.ready()
  return await inner
}

/**
 * Where Swagger UI's page assets are, given to the plugin rather than found by it through
 * __dirname, which the one-file build (scripts/build-server.mjs) does not have.
 */
function swaggerUiFiles (): { baseDir: string, logo: { type: string, content: Buffer } } {
  const baseDir = join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui')), 'static')
  return { baseDir, logo: { type: 'image/svg+xml', content: readFileSync(join(baseDir, 'logo.svg')) } }
}
