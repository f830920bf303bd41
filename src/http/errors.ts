// Every error an HTTP client can meet, in the project's format ({"error": {"code", "message"}},
// a text line under /dav): errors thrown by any route and unknown paths (registerErrorHandling),
// URLs the router cannot decode (frameworkErrors), and requests Node's HTTP parser rejects
// before Fastify sees them (clientErrorHandler: malformed, headers too large, timeouts).
import { STATUS_CODES, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { codeForStatus, payload, toErrorAnswer } from './error-answer.ts'
import type { Logger } from '../logger.ts'
import { LimitError, RateLimitedError } from '../errors.ts'
import { isApiUrl, sendError } from './error-reply.ts'

/**
 * The error handler and the 404 of every scope (/api, /dav and the root inherit them): one
 * mapping (toErrorAnswer), rendered in the format of the URL's area (sendError). A failure
 * after a response has started (a WebDAV GET whose read timed out mid-body) can only cut
 * the connection: the client sees a short body, never a second status line.
 */
export function registerErrorHandling (app: FastifyInstance, log: Logger): void {
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const { status, body } = toErrorAnswer(err, req.id, log)
    if (reply.raw.headersSent) { reply.raw.destroy(); return }
    // a bound reached for a moment (torrent.max_concurrent_adds) says when to come back
    if ((err instanceof LimitError || err instanceof RateLimitedError) && err.retryAfter !== undefined) void reply.header('retry-after', String(err.retryAfter))
    await sendError(reply, req.url, status, body.error.code, body.error.message, body.error.details)
  })
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0] ?? ''
    await sendError(reply, req.url, 404, 'not_found', `no ${isApiUrl(req.url) ? 'API ' : ''}route ${req.method} ${path}`)
  })
}

/** Fastify's `frameworkErrors`: a path that is not valid percent-encoding, a too long parameter. */
export function frameworkErrors (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode ?? 400
  const url = req.raw.url ?? '/'
  if (status >= 500) void sendError(reply, url, 500, 'internal', 'internal error')
  else void sendError(reply, url, status, codeForStatus(status), err.message)
}

/** What Node's parser errors become: [status, message]; anything else is a 400. */
const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request was not received in time (server.headers_timeout / server.request_timeout)'],
  HPE_HEADER_OVERFLOW: [431, 'request headers too large']
}

/**
 * Fastify's `clientErrorHandler`: there is no request object yet, so the answer is written
 * on the socket, which is then closed. Answers on a connection go out in request order: when
 * an earlier request's response is still under way on the socket (bytes that cannot be parsed
 * sent after a complete request, as a DELETE with an unframed body is), that response goes
 * first and the error after it. Written at once, the error reached the client as the answer
 * to the earlier request, which had been carried out all the same (a "400" for a DELETE that
 * deleted); and cutting the socket would have broken that response off.
 */
export function clientErrorHandler (this: FastifyInstance, err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, message] = CLIENT_ERRORS[err.code] ?? [400, 'malformed HTTP request']
  this.log.debug({ code: err.code, status }, 'client error')
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
  const answer = (): void => {
    // a response already started that answers the very request that failed (its body could
    // not be parsed) can only be cut off: a status line now would corrupt it
    if (socket.writable && !(inFlight?.headersSent === true && inFlight.req.complete === false)) {
      const body = JSON.stringify(payload(codeForStatus(status), message))
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
    }
    socket.destroy(err)
  }
  // the response under way answers an earlier request, received whole: it goes first ('close':
  // complete, or its connection went away). One whose own request failed never completes.
  if (inFlight != null && inFlight.req.complete && !inFlight.writableFinished && !inFlight.destroyed) inFlight.once('close', answer)
  else answer()
}
