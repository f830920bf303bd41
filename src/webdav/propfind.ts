// PROPFIND: Depth 0 (the entry) or 1 (the collection first, then its children).
// Depth infinity, which a missing header means, is refused the RFC 4918 way.
import { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Vfs } from '../vfs/types.ts'
import { InvalidInputError, NotFoundError } from '../errors.ts'
import { parsePropfind } from './propfind-request.ts'
import { FINITE_DEPTH_ERROR } from './xml.ts'
import { multistatusBody } from './multistatus.ts'
import { hrefFor, type DavPath } from './paths.ts'

export const XML_TYPE = 'application/xml; charset=utf-8'

interface Depth { depth: 0 | 1, noroot: boolean }

/**
 * '0' | '1', null for infinity (missing header included); InvalidInputError for garbage.
 * ',noroot' (MS-WDV, sent by the Windows redirector) leaves the collection itself out.
 */
function parseDepth (header: string | string[] | undefined): Depth | null {
  if (header === undefined) return null
  const raw = (Array.isArray(header) ? header[0] ?? '' : header).trim().toLowerCase()
  const noroot = /,\s*noroot$/.test(raw)
  const v = raw.replace(/,\s*noroot$/, '')
  if (v === '0' || v === '1') return { depth: v === '0' ? 0 : 1, noroot }
  if (v === 'infinity') return null
  throw new InvalidInputError(`bad Depth header: ${raw}`)
}

export async function handlePropfind (req: FastifyRequest, reply: FastifyReply, vfs: Vfs, prefix: string, path: DavPath): Promise<void> {
  const d = parseDepth(req.headers.depth)
  if (d === null) {
    await reply.code(403).type(XML_TYPE).send(FINITE_DEPTH_ERROR)
    return
  }
  if (req.body !== undefined && req.body !== null && typeof req.body !== 'string') {
    throw new InvalidInputError('PROPFIND body must be XML')
  }
  const selection = parsePropfind(req.body as string | undefined)

  const self = await vfs.stat(path.vfsPath)
  if (self === null) throw new NotFoundError('not found')
  const isDir = self.kind === 'dir'
  // hrefs keep the client's own spelling of the request path as their prefix (rclone drops
  // entries whose href does not start with the path it asked for)
  const selfHref = hrefFor(prefix, path.sent, isDir)
  const children = d.depth === 1 && isDir ? await vfs.readDir(path.vfsPath) : []
  const chunks = multistatusBody(d.noroot && d.depth === 1 && isDir ? null : selfHref, self, selfHref, children, selection)
  reply.code(207).type(XML_TYPE)
  if (chunks.length === 1) { await reply.send(chunks[0]); return }
  // a large folder's kept body comes as views of its earlier bodies: sent as they are, uncopied,
  // with the length set so the answer is not chunked (some clients want Content-Length)
  let length = 0
  for (const c of chunks) length += c.length
  await reply.header('content-length', length).send(Readable.from(chunks))
}
