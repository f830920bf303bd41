#!/usr/bin/env node
// Builds the server into one file, dist/server/main.cjs, that `npm start` and the `momoshtrem`
// bin run with plain node (bin/momoshtrem.js), then starts it once so that V8's code cache of
// it is written beside it. Why one bundled file rather than tsc's file per module: Node 20
// spends most of a start resolving and loading hundreds of ES modules (tsc output started in
// 1.8 s). Why CommonJS: the bin compiles the bundle through vm.Script with that code cache,
// which skips parsing 3 MB on every start, and Node 20 offers a code cache to scripts only
// (module.enableCompileCache() is Node 22). Native addons stay outside (they are loaded from
// node_modules). bench/start.bench.ts measures the start. Runs from `prepare`, i.e. on every
// `npm ci`.
import { build } from 'esbuild'
import { readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { warmCodeCache } from './warm-code-cache.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

/** node:http2, https, tls and zlib load on first use (scripts/shims/lazy-builtin.cjs says why). */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup (b) {
    const template = readFileSync(`${root}scripts/shims/lazy-builtin.cjs`, 'utf8')
    b.onResolve({ filter: /^(node:)?(http2|https|tls|zlib)$/ }, (args) => args.namespace === 'lazy-builtin'
      ? { path: args.path, external: true }
      : { path: `node:${args.path.replace(/^node:/, '')}`, namespace: 'lazy-builtin' })
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({ contents: template.replaceAll('__MOMOSHTREM_BUILTIN__', JSON.stringify(args.path)), loader: 'js' }))
  }
}

/**
 * bittorrent-tracker's client without its server: torrent-discovery imports the package's
 * index, which also loads the tracker server (HTTP, UDP and WebSocket servers) nobody here runs.
 */
const trackerClientOnly = {
  name: 'tracker-client-only',
  setup (b) {
    b.onResolve({ filter: /^bittorrent-tracker$/ }, () => ({ path: 'bittorrent-tracker', namespace: 'tracker-client' }))
    b.onLoad({ filter: /.*/, namespace: 'tracker-client' }, () => ({
      contents: "import Client from 'bittorrent-tracker/client'\nexport default Client\nexport { Client }\n",
      resolveDir: root,
      loader: 'js'
    }))
  }
}
const outdir = `${root}dist/server`
rmSync(outdir, { recursive: true, force: true })

await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outfile: `${outdir}/main.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // names stay readable in stack traces and logs; whitespace and syntax shrink the parse
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  // ASCII only, licences in main.cjs.LEGAL.txt: a file with one non-ASCII character is read
  // into a two-byte string, which took 40 ms of every start instead of a few
  charset: 'ascii',
  legalComments: 'external',
  external: ['better-sqlite3', 'utp-native'],
  // import() becomes a require inside the bundle: vm.Script code has no module loader to call
  supported: { 'dynamic-import': false },
  alias: { 'cross-fetch-ponyfill': './scripts/shims/global-fetch.mjs' },
  plugins: [lazyBuiltins, trackerClientOnly],
  // the sources' import.meta.url (package root, web UI folder) is the bundle's own URL
  define: { 'import.meta.url': '__momoshtremModuleUrl' },
  banner: { js: "var __momoshtremModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning'
})
// the bin reads the bundle as latin1, a plain copy (0.7 ms here, UTF-8 decoding 20 ms): right
// only while every byte is ASCII
const bytes = readFileSync(`${outdir}/main.cjs`)
const wide = bytes.findIndex((b) => b > 0x7f)
if (wide !== -1) throw new Error(`dist/server/main.cjs has a non-ASCII byte at offset ${wide}: ${bytes.subarray(Math.max(0, wide - 60), wide + 20).toString()}`)
console.log('built dist/server/main.cjs')
await warmCodeCache(root)
