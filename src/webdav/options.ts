// OPTIONS and the write methods. Finder refuses to mount without a DAV header on OPTIONS,
// and OPTIONS must work without credentials (src/http/auth.ts exempts it).
import type { FastifyReply } from 'fastify'

export const ALLOW = 'OPTIONS, GET, HEAD, PROPFIND'
/** Methods a read-only class 1 server refuses with 405 (Fastify needs the non-standard ones declared). */
export const WRITE_METHODS = ['PUT', 'DELETE', 'POST', 'PATCH', 'MKCOL', 'COPY', 'MOVE', 'PROPPATCH', 'LOCK', 'UNLOCK'] as const

export async function handleOptions (reply: FastifyReply): Promise<void> {
  await reply
    .code(200)
    .header('DAV', '1')
    .header('Allow', ALLOW)
    .header('MS-Author-Via', 'DAV')
    .header('Accept-Ranges', 'bytes')
    .header('Content-Length', '0')
    .send()
}

export async function handleReadOnly (reply: FastifyReply): Promise<void> {
  await reply.code(405).header('Allow', ALLOW).type('text/plain; charset=utf-8').send('read-only: method not allowed\n')
}
