// Which error format a URL gets. /api and everything outside /dav answer
// {"error": {"code", "message"}}; /dav answers a line of text, which is what WebDAV clients
// show their users.
import type { FastifyReply } from 'fastify'
import { payload } from './error-answer.ts'

/** '/api', '/api/...', '//api?x' (the router folds duplicate slashes) */
export function isApiUrl (url: string): boolean {
  return /^\/+api(?:[/?#]|$)/.test(url)
}

export function isDavUrl (url: string): boolean {
  return /^\/+dav(?:[/?#]|$)/.test(url)
}

export async function sendText (reply: FastifyReply, message: string): Promise<void> {
  await reply.type('text/plain; charset=utf-8').send(`${message}\n`)
}

/** An error answer in the format of the URL's area. */
export async function sendError (reply: FastifyReply, url: string, status: number, code: string, message: string, details?: Record<string, unknown>): Promise<void> {
  reply.code(status)
  if (isDavUrl(url)) await sendText(reply, message)
  else await reply.type('application/json; charset=utf-8').send(payload(code, message, details))
}
