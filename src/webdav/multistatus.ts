// The 207 body of a PROPFIND, as chunks. Large folders' bodies are kept whole and served again
// while the folder lists the very same entry objects. Entries are immutable (vfs/types.ts): a
// changed item gets a new entry object, which is what invalidates.
import type { VfsEntry } from '../vfs/types.ts'
import { encodeSegment } from './paths.ts'
import { escapeXml, responseTail, responseXml, type Selection } from './xml.ts'

const HEAD = Buffer.from('<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">')
const FOOT = Buffer.from('</D:multistatus>\n')

function selectionKey (sel: Selection): string {
  return sel.type === 'prop' ? `prop ${JSON.stringify(sel.props.map((p) => [p.ns, p.local]))}` : sel.type
}

/**
 * Whole bodies of large folders' listings, kept too: assembling 4 MiB for /Movies/ at every
 * request cost more in allocation, page faults and the GC its external memory sets off than
 * the copying. A kept body is served when the folder lists the very same entry objects (a
 * pointer comparison per child); least recently used go first past the byte budget. When the
 * listing changed, the new body reuses the old one's bytes for every child still listed, as
 * views, not copies: a body is a list of chunks, joined into one only past MAX_CHUNKS. Copying
 * 4 MiB into fresh memory cost 30-50 ms here (page faults on a virtual machine), rendering all
 * 10,000 entries again (about 30 us each: dates, escaping, percent-encoding) some 300 ms.
 * Each child's rendering used to be kept on its own as well (a WeakMap per entry): the same
 * bytes twice, ~4 MiB of a 10,000-movie server's idle RSS, for nothing the kept body lacks.
 */
const BODY_MIN_CHILDREN = 500
const BODY_BUDGET = 16 * 1024 * 1024
const MAX_CHUNKS = 64
interface Body {
  self: VfsEntry
  children: readonly VfsEntry[]
  /** the body, in order */
  chunks: Buffer[]
  length: number
  /** where each child's <D:response> starts in the body, then where the closing tag starts */
  starts: Uint32Array
}
const bodies = new Map<string, Body>()
let bodyBytes = 0

function sameEntries (a: readonly VfsEntry[], b: readonly VfsEntry[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function keepBody (key: string, body: Body): void {
  const old = bodies.get(key)
  if (old !== undefined) { bodies.delete(key); bodyBytes -= old.length }
  if (body.length > BODY_BUDGET) return
  bodies.set(key, body)
  bodyBytes += body.length
  for (const [k, b] of bodies) {
    if (bodyBytes <= BODY_BUDGET) break
    bodies.delete(k)
    bodyBytes -= b.length
  }
}

/** Views of bytes [from, to) of a chunked body. */
function slice (body: Body, from: number, to: number): Buffer[] {
  const out: Buffer[] = []
  let at = 0
  for (const c of body.chunks) {
    const end = at + c.length
    if (end > from && at < to) out.push(c.subarray(Math.max(from - at, 0), Math.min(to - at, c.length)))
    at = end
    if (at >= to) break
  }
  return out
}

/**
 * The multistatus, as chunks to send in order: `self` under `selfHref` (left out when selfHref
 * is null: Depth 1,noroot), then each child under `parentHref` (the folder's own href, ending
 * in '/') + its encoded name.
 */
export function multistatusBody (selfHref: string | null, self: VfsEntry, parentHref: string, children: readonly VfsEntry[], sel: Selection): Buffer[] {
  if (children.length < BODY_MIN_CHILDREN) return render(selfHref, self, parentHref, children, sel, undefined).chunks
  const key = `${selectionKey(sel)}\n${selfHref ?? ''}\n${parentHref}`
  const kept = bodies.get(key)
  if (kept !== undefined && kept.self === self && sameEntries(kept.children, children)) {
    bodies.delete(key)
    bodies.set(key, kept)
    return kept.chunks
  }
  const body = render(selfHref, self, parentHref, children, sel, kept)
  keepBody(key, body)
  return body.chunks
}

/**
 * Renders the body; with `previous` (same path, selection and depth), only what changed: every
 * child listed there (the very same entry object) keeps its bytes, taken as views of the old
 * body, runs of neighbours as one view. A change moves one or a few children, so most of a new
 * body is a few views; two changes far apart leave the children between them unchanged too.
 */
function render (selfHref: string | null, self: VfsEntry, parentHref: string, children: readonly VfsEntry[], sel: Selection, previous: Body | undefined): Body {
  const head = selfHref === null ? HEAD : join([HEAD, Buffer.from(responseXml(selfHref, self, sel))])
  const n = children.length
  // where each child of the previous body was (only those that can still be in the new one)
  const old = previous === undefined ? undefined : oldPositions(previous.children, children)
  const chunks: Buffer[] = [head]
  const starts = new Uint32Array(n + 1)
  let at = head.length
  let open: Buffer | undefined
  // a run of fresh renderings, or of consecutive children of the previous body [runFrom, runTo)
  let fresh: Buffer[] = []
  let runFrom = -1
  let runTo = -1
  const flush = (): void => {
    if (fresh.length > 0) { chunks.push(join(fresh)); fresh = [] }
    if (runFrom >= 0) { chunks.push(...slice(previous!, previous!.starts[runFrom]!, previous!.starts[runTo]!)); runFrom = -1 }
  }
  for (let i = 0; i < n; i++) {
    const child = children[i]!
    starts[i] = at
    const j = old?.(child, i)
    if (j !== undefined) {
      if (fresh.length > 0 || (runFrom >= 0 && j !== runTo)) flush()
      if (runFrom < 0) runFrom = j
      runTo = j + 1
      at += previous!.starts[j + 1]! - previous!.starts[j]!
      continue
    }
    if (runFrom >= 0) flush()
    open ??= Buffer.from(`<D:response><D:href>${escapeXml(parentHref)}`)
    // a percent-encoded segment has nothing XML would escape
    const rendered = Buffer.from(encodeSegment(child.name) + (child.kind === 'dir' ? '/' : '') + responseTail(child, sel))
    fresh.push(open, rendered)
    at += open.length + rendered.length
  }
  flush()
  starts[n] = at
  chunks.push(FOOT)
  const length = at + FOOT.length
  // many edits leave many small views (each keeping its old buffer alive): join them now and then
  return { self, children, chunks: chunks.length > MAX_CHUNKS ? [join(chunks)] : chunks, length, starts }
}

/**
 * Where the i-th child of `after` is in `before` (undefined: not there). The unchanged first
 * and last runs are found by pointer comparison (usually all but one or two children), so a
 * Map is made of the few in between only.
 */
function oldPositions (before: readonly VfsEntry[], after: readonly VfsEntry[]): (child: VfsEntry, i: number) => number | undefined {
  const m = before.length
  const n = after.length
  let same = 0
  let tail = 0
  while (same < n && same < m && before[same] === after[same]) same++
  while (tail < n - same && tail < m - same && before[m - 1 - tail] === after[n - 1 - tail]) tail++
  const middle = new Map<VfsEntry, number>()
  for (let j = same; j < m - tail; j++) middle.set(before[j]!, j)
  return (child, i) => i < same ? i : i >= n - tail ? i - n + m : middle.get(child)
}

/** Buffer.concat, but TypedArray#set per part: Buffer.concat spends ~0.6 us per part, 12 ms on 20,000. */
function join (parts: readonly Buffer[]): Buffer {
  let length = 0
  for (const p of parts) length += p.length
  const out = Buffer.allocUnsafe(length)
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}
