// The read-only WebDAV server (class 1) under `prefix`, over the Vfs interface only.
// Register it in its own encapsulated scope: it adds a catch-all body parser there.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Vfs } from '../vfs/types.ts'
import type { Logger } from '../logger.ts'
import { InvalidInputError, NotFoundError } from '../errors.ts'
import { decodeDavPath, isNoisePath } from './paths.ts'
import { handleOptions, handleReadOnly, WRITE_METHODS } from './options.ts'
import { handlePropfind } from './propfind.ts'
import { PROPFIND_LIMITS } from './propfind-request.ts'
import { handleGet } from './get.ts'

export interface WebdavDeps {
  vfs: Vfs
  logger: Logger
  /** URL prefix, e.g. '/dav' */
  prefix: string
}

/** Methods Fastify 5 does not know out of the box; PROPFIND/PROPPATCH/LOCK carry XML bodies. */
const EXTRA_METHODS = ['PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK']

export async function registerWebdav (app: FastifyInstance, deps: WebdavDeps): Promise<void> {
  const { vfs, logger } = deps
  const prefix = '/' + deps.prefix.replace(/^\/+|\/+$/g, '')

  for (const m of EXTRA_METHODS) {
    if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true })
  }
  // PROPFIND bodies come as application/xml, text/xml, or with no/any content type
  // (clients differ); the raw string goes to the saxes-based parser in propfind-request.ts
  const asString = { parseAs: 'string' as const }
  const keep = (_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void => { done(null, body.toString()) }
  for (const type of ['application/xml', 'text/xml', '*']) {
    if (!app.hasContentTypeParser(type)) app.addContentTypeParser(type, asString, keep)
  }

  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (req.method === 'OPTIONS') { await handleOptions(reply); return }
    const path = decodeDavPath(req.raw.url ?? req.url, prefix)
    if (path === null) throw new InvalidInputError('bad path encoding')
    // OS probes answer at once and never reach the VFS (let alone a torrent)
    if (isNoisePath(path.sent)) throw new NotFoundError('not found')
    if (req.method === 'PROPFIND') { await handlePropfind(req, reply, vfs, prefix, path); return }
    await handleGet(req, reply, vfs, prefix, path, req.method === 'HEAD')
  }

  for (const url of [prefix, `${prefix}/*`]) {
    // bodyLimit: a PROPFIND body past it is refused (413) while it streams in, never buffered
    app.route({ method: ['OPTIONS', 'GET', 'HEAD', 'PROPFIND'], url, handler, exposeHeadRoute: false, bodyLimit: PROPFIND_LIMITS.bodyBytes })
    // refused before the body is read: a PUT of a large file gets its 405 at once
    app.route({
      method: [...WRITE_METHODS],
      url,
      onRequest: async (_req, reply) => { await handleReadOnly(reply) },
      handler: async () => {}
    })
  }
}
