// GET/HEAD on a collection: a small HTML listing (mobile players HEAD folders; a 405
// there makes them give up on the share).
import type { VfsEntry } from '../vfs/types.ts'
import { escapeXml } from './xml.ts'
import { hrefFor } from './paths.ts'

export function htmlIndex (prefix: string, segments: string[], children: VfsEntry[]): string {
  const title = escapeXml('/' + segments.join('/'))
  const rows = children.map((c) => {
    const href = escapeXml(hrefFor(prefix, [...segments, c.name], c.kind === 'dir'))
    const label = escapeXml(c.name + (c.kind === 'dir' ? '/' : ''))
    const size = c.kind === 'file' ? ` <small>(${c.size} bytes)</small>` : ''
    return `<li><a href="${href}">${label}</a>${size}</li>`
  })
  const up = segments.length > 0 ? `<li><a href="${escapeXml(hrefFor(prefix, segments.slice(0, -1), true))}">../</a></li>` : ''
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1><ul>${up}${rows.join('')}</ul></body></html>\n`
}
