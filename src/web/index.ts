// The web UI at '/': the Vite build in dist/web (`npm run build:web`, run by `npm ci`).
// index.html is answered at '/' (no-cache: it names the current hashed bundles); the files of
// dist/web/assets are answered at /assets/NAME, cached for good (their names change with their
// content). Both are read once, when the routes are registered: only files found then are
// ever served, so no request path reaches the file system. Without a build, '/' says how to
// make one. Basic auth, when configured, is the app's hook in front of all of this.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'

// dist/web seen from src/web/index.ts (tsx) and from the bundled dist/server/main.cjs
const CANDIDATES = [new URL('../../dist/web/', import.meta.url), new URL('../web/', import.meta.url)].map((u) => fileURLToPath(u))
export const DEFAULT_WEB_DIR = CANDIDATES.find((dir) => existsSync(join(dir, 'index.html'))) ?? CANDIDATES[0]!

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8'
}

// The page loads only its own scripts and styles and talks only to this server; styles set
// through the DOM (element.style) are not affected by style-src.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>momoshtrem: web UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>The web UI is not built</h1>
<p>Run <code>npm run build:web</code> (<code>npm ci</code> runs it too), then restart momoshtrem.</p>
<p>The REST API under <a href="/api/status"><code>/api</code></a> and the WebDAV tree under <a href="/dav/"><code>/dav/</code></a> work without it.</p>
</body></html>
`

interface Asset { body: Buffer, type: string }

/** The built files, or null when dist/web has no index.html. */
function loadBuild (dir: string): { index: Buffer, assets: Map<string, Asset> } | null {
  const indexPath = join(dir, 'index.html')
  if (!existsSync(indexPath)) return null
  const assets = new Map<string, Asset>()
  const assetDir = join(dir, 'assets')
  if (existsSync(assetDir)) {
    for (const entry of readdirSync(assetDir, { withFileTypes: true })) {
      if (!entry.isFile()) continue
      assets.set(entry.name, { body: readFileSync(join(assetDir, entry.name)), type: TYPES[extname(entry.name)] ?? 'application/octet-stream' })
    }
  }
  return { index: readFileSync(indexPath), assets }
}

function pageHeaders (reply: FastifyReply): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-cache')
    .header('Content-Security-Policy', CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
}

/** `dir`: the build folder (tests pass an empty one to see the "not built" page). */
export async function registerWebUi (app: FastifyInstance, opts: { dir?: string } = {}): Promise<void> {
  const build = loadBuild(opts.dir ?? DEFAULT_WEB_DIR)

  app.get('/', async (_req, reply) => {
    if (build === null) return await pageHeaders(reply).code(503).send(NOT_BUILT)
    return await pageHeaders(reply).send(build.index)
  })

  app.get<{ Params: { file: string } }>('/assets/:file', async (req, reply) => {
    const asset = build?.assets.get(req.params.file)
    if (asset === undefined) {
      return await reply.code(404).type('text/plain; charset=utf-8').header('Cache-Control', 'no-cache').send('no such asset\n')
    }
    return await reply
      .type(asset.type)
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .header('X-Content-Type-Options', 'nosniff')
      .send(asset.body)
  })
}
