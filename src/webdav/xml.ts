// The 207 Multi-Status body. One `D:` prefix for DAV:, exact status lines, `collection` as
// the first child of resourcetype, RFC 1123 getlastmodified and ISO 8601 creationdate:
// Kodi, Infuse and rclone each break on one of these (webdav.md).
import type { VfsEntry } from '../vfs/types.ts'
import { DAV_NS, type PropName } from './propfind-request.ts'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
const SPECIAL = /[&<>"']/
// most names have nothing to escape: the test is far cheaper than a replace with a callback
export function escapeXml (s: string): string {
  return SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : s
}

/** ISO 8601 without milliseconds (RFC 3339 profile RFC 4918 asks for). */
export function isoDate (d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const el = (name: string, value: string): string => `<D:${name}>${escapeXml(value)}</D:${name}>`

/** DAV: properties this server knows, in the order allprop lists them. */
const PROPS: ReadonlyArray<[string, (e: VfsEntry) => string | undefined]> = [
  ['resourcetype', (e) => e.kind === 'dir' ? '<D:resourcetype><D:collection/></D:resourcetype>' : '<D:resourcetype/>'],
  ['displayname', (e) => el('displayname', e.name)],
  ['getcontentlength', (e) => e.kind === 'file' ? el('getcontentlength', String(e.size)) : undefined],
  ['getcontenttype', (e) => e.kind === 'file' && e.contentType !== undefined ? el('getcontenttype', e.contentType) : undefined],
  ['getetag', (e) => e.kind === 'file' && e.etag !== undefined ? el('getetag', `"${e.etag}"`) : undefined],
  ['getlastmodified', (e) => el('getlastmodified', e.modified.toUTCString())],
  ['creationdate', (e) => el('creationdate', isoDate(e.created))],
  // not in RFC 4918, but Infuse-era servers send it and some clients look for it
  ['iscollection', (e) => el('iscollection', e.kind === 'dir' ? '1' : '0')]
]
const BY_NAME = new Map(PROPS)

/** Serialises an element name for a 404 propstat: DAV: keeps `D:`, others declare their own default namespace. */
function emptyElement (p: PropName): string {
  if (p.ns === DAV_NS) return `<D:${p.local}/>`
  return `<${p.local} xmlns="${escapeXml(p.ns)}"/>`
}

function propstat (inner: string, status: string): string {
  return `<D:propstat><D:prop>${inner}</D:prop><D:status>HTTP/1.1 ${status}</D:status></D:propstat>`
}

export type Selection = { type: 'allprop' } | { type: 'propname' } | { type: 'prop', props: PropName[] }

/** One <D:response>: the 200 propstat first, then (only when needed) the 404 one. */
export function responseXml (href: string, entry: VfsEntry, sel: Selection): string {
  return `<D:response><D:href>${escapeXml(href)}` + responseTail(entry, sel)
}

/** A <D:response> from the end of its href's text on: `</D:href>`, the propstats, `</D:response>`. */
export function responseTail (entry: VfsEntry, sel: Selection): string {
  let found = ''
  let missing = ''
  if (sel.type === 'prop') {
    for (const p of sel.props) {
      const value = p.ns === DAV_NS ? BY_NAME.get(p.local)?.(entry) : undefined
      if (value === undefined) missing += emptyElement(p)
      else found += value
    }
  } else {
    for (const [name, render] of PROPS) {
      const value = render(entry)
      if (value !== undefined) found += sel.type === 'propname' ? `<D:${name}/>` : value
    }
  }
  let out = '</D:href>'
  if (found !== '' || missing === '') out += propstat(found, '200 OK')
  if (missing !== '') out += propstat(missing, '404 Not Found')
  return out + '</D:response>'
}

export function multistatus (responses: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">${responses.join('')}</D:multistatus>\n`
}

export const FINITE_DEPTH_ERROR = '<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>\n'
