// The OpenAPI 3.1 document of /api, generated from the routes' own TypeBox schemas
// (@fastify/swagger), at GET /api/openapi.json, and a reference page (Swagger UI, its assets
// served from the package: no CDN) at GET /api/docs/. Both sit behind the same Basic auth as
// every other /api route. Only /api is described: WebDAV (/dav), /metrics and the web UI are
// not REST operations with JSON schemas.
//
// registerOpenApi must run on the /api scope before any route is added: the plugin collects
// routes with an onRoute hook and misses those registered earlier.
import { STATUS_CODES } from 'node:http'
import fastifySwagger from '@fastify/swagger'
import type { FastifyInstance, FastifySchema } from 'fastify'
import { version } from '../version.ts'
import { ErrorBody } from './schemas/common.ts'
import { registerDocsPage } from './docs-page.ts'

export const OPENAPI_PATH = '/openapi.json'
export const DOCS_PREFIX = '/docs'

export interface OpenApiOptions {
  /** HTTP Basic is required (auth.username set): the document declares the scheme */
  basicAuth: boolean
}

type Responses = Record<string, Record<string, unknown>>

/** Methods whose request bodies Fastify parses, whether or not the route declares one. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Answers every /api route may give without declaring them itself, since they come from the
 * framework rather than the handler (doc only: the routes' serialisers are untouched):
 * 400 for params, query or body that fail their schema or are malformed JSON, 413 and 415
 * for any body sent (server bodyLimit, JSON only: Fastify parses a POST's body even when the
 * route takes none), 401 when auth is on (http/auth.ts) and 500.
 */
function frameworkAnswers (schema: FastifySchema, methods: string[], basicAuth: boolean): Array<[string, string]> {
  const codes: Array<[string, string]> = [['500', 'unexpected failure (details only in the server log)']]
  const takesBody = methods.some((m) => BODY_METHODS.has(m))
  if (takesBody || schema.params !== undefined || schema.querystring !== undefined) codes.push(['400', 'invalid input'])
  if (takesBody) codes.push(['413', 'body larger than 1 MiB'], ['415', 'body not application/json'])
  if (basicAuth) codes.push(['401', 'credentials required (HTTP Basic)'])
  return codes
}

/** The document's tag of a route: its first path segment below /api ('movies', 'export'). */
function tagOf (url: string): string {
  const first = url.replace(/^\/api\//, '').split('/')[0] ?? ''
  return first.replace(/\..*$/, '')
}

/** The error body, once in components.schemas (ERROR_ID), referenced by every error answer. */
const ERROR_ID = 'Error'
const errorRef = (description: string): Record<string, unknown> => ({ $ref: `${ERROR_ID}#`, description })

function describe (schema: FastifySchema, methods: string[], basicAuth: boolean): FastifySchema {
  const declared = (schema.response ?? {}) as Responses
  const response: Responses = {}
  for (const [code, s] of Object.entries(declared)) {
    // shared error lists name 401, which only a server with credentials answers
    if (code === '401' && !basicAuth) continue
    // without a description a response reads "Default Response": say its status instead
    const description = typeof s.description === 'string' ? s.description : STATUS_CODES[Number(code)] ?? code
    response[code] = s === (ErrorBody as unknown) ? errorRef(description) : { ...s, description }
  }
  for (const [code, description] of frameworkAnswers(schema, methods, basicAuth)) response[code] ??= errorRef(description)
  return { ...schema, response }
}

export async function registerOpenApi (app: FastifyInstance, opts: OpenApiOptions): Promise<void> {
  // only the document refers to it (describe); the routes validate and serialise with their own
  app.addSchema({ ...ErrorBody, $id: ERROR_ID, description: 'every error answer of /api' })
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'momoshtrem',
        version,
        description: 'REST API of momoshtrem: the movie and TV library, torrent assignments, release searches, subtitles and torrents. ' +
          'Every error answers {"error": {"code", "message", "details"?}}.'
      },
      // relative: the document is right wherever the server is reached (host, port, scheme)
      servers: [{ url: '/api' }],
      ...(opts.basicAuth
        ? { components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } }, security: [{ basic: [] }] }
        : {})
    },
    // components named by their $id ("Error"), not def-0
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` },
    transform: ({ schema, url, route }) => ({ schema: { ...describe(schema ?? {}, [route.method].flat(), opts.basicAuth), tags: [tagOf(url)] }, url })
  })
  registerDocsPage(app, { prefix: DOCS_PREFIX, document: () => app.swagger() })
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger())
}
