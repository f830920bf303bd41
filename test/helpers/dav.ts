// WebDAV test helpers: a Fastify instance serving registerWebdav over a LibraryVfs (fake
// library, in-memory readers), and a namespace-aware 207 parser (saxes) for assertions.
import type { TestContext } from 'node:test'
import Fastify from 'fastify'
import { pino } from 'pino'
import { SaxesParser } from 'saxes'
import { registerWebdav } from '../../src/webdav/index.ts'
import { registerErrorHandling } from '../../src/http/errors.ts'
import { LibraryVfs, type OpenFile } from '../../src/vfs/library-vfs.ts'
import type { LibraryTreeSource } from '../../src/library/tree-model.ts'

export async function startDav (t: TestContext, source: LibraryTreeSource, openFile?: OpenFile, showEmpty = true): Promise<{ url: string, vfs: LibraryVfs }> {
  // the same router options as src/app.ts
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true }, keepAliveTimeout: 5000 })
  const vfs = new LibraryVfs(source, { showEmpty }, openFile)
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  // errors are rendered at the root, as in src/app.ts
  registerErrorHandling(app, logger)
  await app.register(async (scope) => {
    await registerWebdav(scope, { vfs, logger, prefix: '/dav' })
  })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.after(async () => { await app.close() })
  return { url, vfs }
}

export async function dav (url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number, headers: Headers, text: string }> {
  const res = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

export interface PropValue { text: string, children: string[] }
export interface Propstat { status: string, props: Map<string, PropValue> }
export interface DavResponse { href: string, propstats: Propstat[] }

/**
 * Parses a multistatus body. Property keys are 'DAV:name' / '{ns}name'; `children` lists
 * the child element keys of each property in order (resourcetype -> ['DAV:collection']).
 */
export function parseMultistatus (xml: string): DavResponse[] {
  const p = new SaxesParser({ xmlns: true })
  const out: DavResponse[] = []
  const path: string[] = []
  let text = ''
  let cur: DavResponse | undefined
  let ps: Propstat | undefined
  let prop: PropValue | undefined
  const key = (uri: string, local: string): string => uri === 'DAV:' ? `DAV:${local}` : `{${uri}}${local}`
  p.on('opentag', (tag) => {
    const k = key(tag.uri ?? '', tag.local ?? '')
    const parent = path[path.length - 1]
    if (k === 'DAV:response') cur = { href: '', propstats: [] }
    else if (k === 'DAV:propstat') ps = { status: '', props: new Map() }
    else if (parent === 'DAV:prop' && ps !== undefined) { prop = { text: '', children: [] }; ps.props.set(k, prop) } else if (prop !== undefined && path[path.length - 2] === 'DAV:prop') prop.children.push(k)
    path.push(k)
    text = ''
  })
  p.on('text', (s) => { text += s })
  p.on('closetag', () => {
    const k = path.pop()
    if (k === 'DAV:href' && cur !== undefined) cur.href = text
    else if (k === 'DAV:status' && ps !== undefined) ps.status = text
    else if (path[path.length - 1] === 'DAV:prop' && prop !== undefined) { prop.text = text; prop = undefined } else if (k === 'DAV:propstat' && cur !== undefined && ps !== undefined) { cur.propstats.push(ps); ps = undefined } else if (k === 'DAV:response' && cur !== undefined) { out.push(cur); cur = undefined }
  })
  p.write(xml).close()
  return out
}

/** The 200 propstat's props of the response whose href is `href`. */
export function okProps (responses: DavResponse[], href: string): Map<string, PropValue> {
  const r = responses.find((x) => x.href === href)
  if (r === undefined) throw new Error(`no response for ${href}; have ${responses.map((x) => x.href).join(', ')}`)
  const ok = r.propstats[0]
  if (ok?.status !== 'HTTP/1.1 200 OK') throw new Error(`first propstat of ${href} is not 200: ${ok?.status}`)
  return ok.props
}
