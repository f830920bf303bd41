// The 207 body of a PROPFIND as one Buffer. A listed child's <D:response>, from the end of its
// parent's href on (its own encoded name, the propstats), is the same in every listing of that
// folder with the same property selection: it is rendered once per entry and kept, so a warm
// Depth 1 of a 10,000-entry folder copies buffers instead of formatting 10,000 entries (about
// 30 us each: dates, escaping, percent-encoding). Entries are immutable (vfs/types.ts): a
// changed item gets a new entry object, which is what invalidates; the WeakMap lets entries
// that left the tree go with their rendering.
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
 * pointer comparison per child); least recently used go first past the byte budget.
 */
const BODY_MIN_CHILDREN = 500
const BODY_BUDGET = 16 * 1024 * 1024
interface Body { self: VfsEntry, children: readonly VfsEntry[], buf: Buffer }
const bodies = new Map<string, Body>()
let bodyBytes = 0

function sameEntries (a: readonly VfsEntry[], b: readonly VfsEntry[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function keepBody (key: string, body: Body): void {
  const old = bodies.get(key)
  if (old !== undefined) { bodies.delete(key); bodyBytes -= old.buf.length }
  if (body.buf.length > BODY_BUDGET) return
  bodies.set(key, body)
  bodyBytes += body.buf.length
  for (const [k, b] of bodies) {
    if (bodyBytes <= BODY_BUDGET) break
    bodies.delete(k)
    bodyBytes -= b.buf.length
  }
}

/**
 * The multistatus: `self` under `selfHref` (left out when selfHref is null: Depth 1,noroot),
 * then each child under `parentHref` (the folder's own href, ending in '/') + its encoded name.
 */
export function multistatusBody (selfHref: string | null, self: VfsEntry, parentHref: string, children: readonly VfsEntry[], sel: Selection): Buffer {
  if (children.length < BODY_MIN_CHILDREN) return render(selfHref, self, parentHref, children, sel)
  const key = `${selectionKey(sel)}\n${selfHref ?? ''}\n${parentHref}`
  const kept = bodies.get(key)
  if (kept !== undefined && kept.self === self && sameEntries(kept.children, children)) {
    bodies.delete(key)
    bodies.set(key, kept)
    return kept.buf
  }
  const buf = render(selfHref, self, parentHref, children, sel)
  keepBody(key, { self, children, buf })
  return buf
}

function render (selfHref: string | null, self: VfsEntry, parentHref: string, children: readonly VfsEntry[], sel: Selection): Buffer {
  const parts: Buffer[] = [HEAD]
  if (selfHref !== null) parts.push(Buffer.from(responseXml(selfHref, self, sel)))
  if (children.length > 0) {
    const open = Buffer.from(`<D:response><D:href>${escapeXml(parentHref)}`)
    const tails = tailsFor(sel)
    for (const child of children) {
      let tail = tails.get(child)
      if (tail === undefined) {
        // a percent-encoded segment has nothing XML would escape
        tail = Buffer.from(encodeSegment(child.name) + (child.kind === 'dir' ? '/' : '') + responseTail(child, sel))
        tails.set(child, tail)
      }
      parts.push(open, tail)
    }
  }
  parts.push(FOOT)
  return join(parts)
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
