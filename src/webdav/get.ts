// GET and HEAD. Files: validators, ranges (206/416), a body streamed from the requested
// offset. Collections: a small HTML index. HEAD never opens the file.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RandomAccessReader, Vfs, VfsEntry } from '../vfs/types.ts'
import { NotFoundError } from '../errors.ts'
import { htmlIndex } from './html-index.ts'
import { ifRangeAllows, parseRange } from './range.ts'
import { CHUNK_SIZE, readChunk, writeRange, type BodyEnd, type RangeBody } from './stream.ts'
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
  if (controller.signal.aborted || reply.raw.destroyed) {
    reply.raw.off('close', onClose)
    reader.recycle?.(first)
    await reader.close().catch(() => {})
    wentAway(req, reply, start, end)
    return
  }
  // The body is written here, not piped by Fastify: each chunk goes back to the reader once
  // the socket took it (stream.ts). The onResponse hooks still run when the response finishes.
  reply.hijack()
  const res = reply.raw
  // as Fastify does for a streamed payload: the headers go out with the first bytes
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value)
  res.statusCode = reply.statusCode
  void sendBody(req, res, { reader, start, end, first, signal: controller.signal }, onClose)
}

/**
 * The body after the first chunk; settles when the response ended or closed. A client that
 * hangs up mid-body is logged at info (players probe, seek and stop all the time); a read that
 * failed mid-body is the server's: warn, and the connection is cut (the client sees a short
 * body, never a second status line).
 */
async function sendBody (req: FastifyRequest, res: FastifyReply['raw'], body: RangeBody, onClose: () => void): Promise<void> {
  let ended: BodyEnd | undefined
  let failure: unknown
  try {
    ended = await writeRange(res, body)
  } catch (err) {
    failure = err
  }
  res.off('close', onClose)
  await body.reader.close().catch(() => {})
  if (ended === 'done') return
  const entry = { method: req.method, url: req.url, status: res.statusCode, bytes: `${body.start}-${body.end}` }
  if (failure !== undefined) {
    req.log.warn({ ...entry, err: failure }, 'stream failed mid-body')
    res.destroy()
  } else req.log.info(entry, 'client went away mid-body')
}

/** The client hung up before the first byte: one info line, and the socket is dropped. */
function wentAway (req: FastifyRequest, reply: FastifyReply, start: number, end: number): void {
  req.log.info({ method: req.method, url: req.url, bytes: `${start}-${end}` }, 'client went away before the first byte')
  abandon(reply)
}
