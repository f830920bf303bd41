// Errors -> HTTP for the WebDAV scope. DomainErrors keep their status (404, 504 for
// read_timeout, ...); Fastify's own 4xx (body too large, bad content type) keep theirs;
// anything else is a 500 whose detail goes to the log only.
import type { FastifyError, FastifyInstance } from 'fastify'
import { isDomainError } from '../errors.ts'
import type { Logger } from '../logger.ts'

export function httpError (err: unknown): { status: number, message: string } {
  if (isDomainError(err)) {
    return { status: err.status, message: err.status < 500 ? err.message : statusText(err.status) }
  }
  const status = (err as FastifyError | undefined)?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, message: (err as Error).message }
  return { status: 500, message: 'internal error' }
}

function statusText (status: number): string {
  if (status === 504) return 'timed out reading the file'
  if (status === 503) return 'service unavailable'
  return 'upstream error'
}

export function registerErrorHandler (app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler(async (err, req, reply) => {
    const { status, message } = httpError(err)
    if (status >= 500) logger.error({ err, method: req.method, url: req.url }, 'webdav request failed')
    else logger.debug({ method: req.method, url: req.url, status, message }, 'webdav request rejected')
    if (reply.raw.headersSent) { reply.raw.destroy(); return }
    await reply.code(status).type('text/plain; charset=utf-8').send(`${message}\n`)
  })
}
