// Every route the server has, read from Fastify's own router (printRoutes), independent of
// the OpenAPI plugin that collects routes with its own hook: a route it misses (registered
// before it, or in another scope) still shows here.
import type { FastifyInstance } from 'fastify'

export interface RouteEntry { method: string, url: string }

// "│   ├── /:id (GET, HEAD, DELETE)": 4 characters per level, then the segment and its methods
const LINE = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/

/** Parses `server.printRoutes({ commonPrefix: false })`; an unreadable line throws. */
export function parseRoutes (printed: string): RouteEntry[] {
  const prefixes: string[] = []
  const routes: RouteEntry[] = []
  for (const line of printed.split('\n')) {
    if (line.trim() === '') continue
    const m = LINE.exec(line)
    if (m === null) throw new Error(`printRoutes line not understood: ${JSON.stringify(line)}`)
    const depth = m[1]!.length / 4
    const url = (depth === 0 ? '' : prefixes[depth - 1]!) + m[2]!
    prefixes[depth] = url
    prefixes.length = depth + 1
    for (const method of m[3]?.split(', ') ?? []) routes.push({ method, url: url.replace(/^\/\//, '/') })
  }
  return routes
}

/** The routes whose URL starts with `prefix`, without the HEAD Fastify adds to every GET. */
export function routesUnder (server: FastifyInstance, prefix: string): RouteEntry[] {
  const all = parseRoutes(server.printRoutes({ commonPrefix: false }))
  const gets = new Set(all.filter((r) => r.method === 'GET').map((r) => r.url))
  return all.filter((r) => (r.url === prefix || r.url.startsWith(prefix + '/')) && !(r.method === 'HEAD' && gets.has(r.url)))
}
