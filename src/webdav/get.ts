// GET and HEAD. Files: validators, ranges (206/416), a body streamed from the requested
// offset. Collections: a small HTML index. HEAD never opens the file.
import type { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RandomAccessReader, Vfs, VfsEntry } from '../vfs/types.ts'
import { NotFoundError } from '../errors.ts'
import { htmlIndex } from './html-index.ts'
import { ifRangeAllows, parseRange } from './range.ts'
import { CHUNK_SIZE, rangeStream, readChunk } from './stream.ts'
import type { DavPath } from './paths.ts'

function firstValue (v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

/** Nobody is left to answer: take the reply out of Fastify's hands and drop the socket. */
function abandon (reply: FastifyReply): void {
  reply.hijack()
  reply.raw.destroy()
}

export async function handleGet (req: FastifyRequest, reply: FastifyReply, vfs: Vfs, prefix: string, path: DavPath, head: boolean): Promise<void> {
  const entry = await vfs.stat(path.vfsPath)
  if (entry === null) throw new NotFoundError('not found')
  if (entry.kind === 'dir') {
    const html = htmlIndex(prefix, path.sent, await vfs.readDir(path.vfsPath))
    reply.code(200).type('text/html; charset=utf-8').header('Last-Modified', entry.modified.toUTCString())
    if (head) { await reply.header('Content-Length', String(Buffer.byteLength(html))).send(); return }
    await reply.send(html)
    return
  }
  await sendFile(req, reply, vfs, path, entry, head)
}

async function sendFile (req: FastifyRequest, reply: FastifyReply, vfs: Vfs, path: DavPath, entry: VfsEntry, head: boolean): Promise<void> {
  const size = entry.size
  const etag = `"${entry.etag ?? ''}"`
  reply
    .header('Accept-Ranges', 'bytes')
    .header('Content-Type', entry.contentType ?? 'application/octet-stream')
    .header('Last-Modified', entry.modified.toUTCString())
  if (entry.etag !== undefined) reply.header('ETag', etag)

  const rangeHeader = ifRangeAllows(firstValue(req.headers['if-range']), etag, entry.modified) ? req.headers.range : undefined
  const range = parseRange(rangeHeader, size)
  if (range.kind === 'unsatisfiable') {
    await reply.code(416).header('Content-Range', `bytes */${size}`).type('text/plain; charset=utf-8').send('range not satisfiable\n')
    return
  }
  const start = range.kind === 'partial' ? range.start : 0
  const end = range.kind === 'partial' ? range.end : size - 1
  if (range.kind === 'partial') reply.code(206).header('Content-Range', `bytes ${start}-${end}/${size}`)
  else reply.code(200)
  reply.header('Content-Length', String(end + 1 - start))
  if (head || size === 0) { await reply.send(head ? undefined : ''); return }

  // The client may hang up while the file opens or the first chunk arrives.
  const controller = new AbortController()
  const onClose = (): void => { controller.abort() }
  reply.raw.once('close', onClose)
  let reader: RandomAccessReader | undefined
  let first: Buffer
  try {
    reader = await vfs.open(path.vfsPath)
    // a bounded range (rclone's chunks, Finder's parallel ranges, a replayed probe) ends here:
    // no read-ahead past it competing with the bytes asked for
    if (end + 1 < size) reader.limit?.(end + 1)
    // read the first chunk before any header goes out: an error here still gets its own
    // status (504 for read_timeout) instead of a cut-off 200
    first = await readChunk(reader, start, Math.min(CHUNK_SIZE, end + 1 - start), controller.signal)
    // nothing at an offset inside the file breaks the reader contract; a 500 beats a short body
    if (first.length === 0 && !controller.signal.aborted) throw new Error(`empty read at ${start} of ${path.vfsPath}`)
  } catch (err) {
    reply.raw.off('close', onClose)
    await reader?.close().catch(() => {})
    // a client that hung up is not a server error (players probe and drop all the time)
    if (controller.signal.aborted) { wentAway(req, reply, start, end); return }
    throw err
  }
  reply.raw.off('close', onClose)
  if (controller.signal.aborted || reply.raw.destroyed) {
    await reader.close().catch(() => {})
    wentAway(req, reply, start, end)
    return
  }
  const stream = rangeStream({ reader, start, end, first, controller })
  logCutShort(req, reply, stream, `${start}-${end}`)
  await reply.send(stream)
}

/** The client hung up before the first byte: one info line, and the socket is dropped. */
function wentAway (req: FastifyRequest, reply: FastifyReply, start: number, end: number): void {
  req.log.info({ method: req.method, url: req.url, bytes: `${start}-${end}` }, 'client went away before the first byte')
  abandon(reply)
}

/**
 * One log line for a body that ends before its last byte. Players hang up mid-body all the
 * time (probes, seeks, stop): info. A read that failed mid-body is the server's: warn.
 * Fastify's own line for either is off (request logging is request-log.ts's), and the
 * response hooks never run for a response that did not finish.
 */
function logCutShort (req: FastifyRequest, reply: FastifyReply, stream: Readable, bytes: string): void {
  reply.raw.once('close', () => {
    if (reply.raw.writableFinished) return
    const entry = { method: req.method, url: req.url, status: reply.statusCode, bytes }
    if (stream.errored !== null) req.log.warn({ ...entry, err: stream.errored }, 'stream failed mid-body')
    else req.log.info(entry, 'client went away mid-body')
  })
}
