// The 207 body of a PROPFIND, as chunks. A listed child's <D:response>, from the end of its
// parent's href on (its own encoded name, the propstats), is the same in every listing of that
// folder with the same property selection: in large folders it is rendered once per entry and
// kept, so a Depth 1 of a 10,000-entry folder copies buffers instead of formatting 10,000
// entries (about 30 us each: dates, escaping, percent-encoding). Entries are immutable
// (vfs/types.ts): a changed item gets a new entry object, which is what invalidates; the
// WeakMap lets entries that left the tree go with their rendering.
import type { VfsEntry } from '../vfs/types.ts'
import { encodeSegment } from './paths.ts'
import { escapeXml, responseTail, responseXml, type Selection } from './xml.ts'

const HEAD = Buffer.from('<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">')
const FOOT = Buffer.from('</D:multistatus>\n')

/**
 * Renderings kept per selection: clients send one or two selections each (allprop: rclone,
 * Infuse; Kodi's named list), so a few suffice; the least recently used goes first, so a
 * client sending odd selections cannot keep the usual ones out for long.
 */
const MAX_SELECTIONS = 4
const bySelection = new Map<string, WeakMap<VfsEntry, Buffer>>()

function selectionKey (sel: Selection): string {
  return sel.type === 'prop' ? `prop ${JSON.stringify(sel.props.map((p) => [p.ns, p.local]))}` : sel.type
}

function tailsFor (sel: Selection): WeakMap<VfsEntry, Buffer> {
  const key = selectionKey(sel)
  let tails = bySelection.get(key)
  if (tails !== undefined) bySelection.delete(key)
  else tails = new WeakMap()
  bySelection.set(key, tails)
  if (bySelection.size > MAX_SELECTIONS) bySelection.delete(bySelection.keys().next().value!)
  return tails
}

/**
 * Whole bodies of large folders' listings, kept too: assembling 4 MiB for /Movies/ at every
 * request cost more in allocation, page faults and the GC its external memory sets off than
 * the copying. A kept body is served when the folder lists the very same entry objects (a
 * pointer comparison per child); least recently used go first past the byte budget. When the
 * listing changed, the new body reuses the old one's bytes for the unchanged children before
 * and after the changed run (a change moves one or a few children), as views, not copies: a
 * body is a list of chunks, joined into one only past MAX_CHUNKS. Copying 4 MiB into fresh
 * memory cost 30-50 ms here (page faults on a virtual machine), rendering all 10,000 again more.
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

/** Renders the body; with `previous` (same path, selection and depth), only what changed. */
function render (selfHref: string | null, self: VfsEntry, parentHref: string, children: readonly VfsEntry[], sel: Selection, previous: Body | undefined): Body {
  const head = selfHref === null ? HEAD : join([HEAD, Buffer.from(responseXml(selfHref, self, sel))])
  const n = children.length
  // the unchanged runs: the first `same` children and the last `tail` children
  let same = 0
  let tail = 0
  if (previous !== undefined) {
    const old = previous.children
    while (same < n && same < old.length && old[same] === children[same]) same++
    while (tail < n - same && tail < old.length - same && old[old.length - 1 - tail] === children[n - 1 - tail]) tail++
  }
  const chunks: Buffer[] = [head]
  const starts = new Uint32Array(n + 1)
  let at = head.length
  if (previous !== undefined && same > 0) {
    const from = previous.starts[0]!
    chunks.push(...slice(previous, from, previous.starts[same]!))
    for (let i = 0; i < same; i++) starts[i] = previous.starts[i]! - from + head.length
    at += previous.starts[same]! - from
  }
  if (same < n - tail) {
    const parts: Buffer[] = []
    const open = Buffer.from(`<D:response><D:href>${escapeXml(parentHref)}`)
    // only large folders' children keep their rendering: a dozen entries render in well under
    // a millisecond, and keeping every entry of a full rclone walk (two selections) was ~40 MiB
    const tails = n >= BODY_MIN_CHILDREN ? tailsFor(sel) : undefined
    for (let i = same; i < n - tail; i++) {
      const child = children[i]!
      let rendered = tails?.get(child)
      if (rendered === undefined) {
        // a percent-encoded segment has nothing XML would escape
        rendered = Buffer.from(encodeSegment(child.name) + (child.kind === 'dir' ? '/' : '') + responseTail(child, sel))
        tails?.set(child, rendered)
      }
      starts[i] = at
      parts.push(open, rendered)
      at += open.length + rendered.length
    }
    chunks.push(join(parts))
  }
  if (previous !== undefined && tail > 0) {
    const m = previous.children.length
    const from = previous.starts[m - tail]!
    chunks.push(...slice(previous, from, previous.starts[m]!))
    for (let i = 0; i < tail; i++) starts[n - tail + i] = previous.starts[m - tail + i]! - from + at
    at += previous.starts[m]! - from
  }
  starts[n] = at
  chunks.push(FOOT)
  const length = at + FOOT.length
  // many edits leave many small views (each keeping its old buffer alive): join them now and then
  return { self, children, chunks: chunks.length > MAX_CHUNKS ? [join(chunks)] : chunks, length, starts }
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
