// esbuild options of the server bundle: scripts/build-server.mjs builds dist/server/main.cjs
// with them, and benches that run the app in a process of their own bundle their entry file
// with the same ones, so that what they measure is what ships. Why each option: see
// scripts/build-server.mjs and the shims in scripts/shims/.
import { readFileSync } from 'node:fs'

/** node:http2, https, tls and zlib load on first use (scripts/shims/lazy-builtin.cjs says why). */
function lazyBuiltins (root) {
  return {
    name: 'lazy-builtins',
    setup (b) {
      const template = readFileSync(`${root}scripts/shims/lazy-builtin.cjs`, 'utf8')
      b.onResolve({ filter: /^(node:)?(http2|https|tls|zlib)$/ }, (args) => args.namespace === 'lazy-builtin'
        ? { path: args.path, external: true }
        : { path: `node:${args.path.replace(/^node:/, '')}`, namespace: 'lazy-builtin' })
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({ contents: template.replaceAll('__MOMOSHTREM_BUILTIN__', JSON.stringify(args.path)), loader: 'js' }))
    }
  }
}

/**
 * bittorrent-tracker's client without its server: torrent-discovery imports the package's
 * index, which also loads the tracker server (HTTP, UDP and WebSocket servers) nobody here runs.
 */
function trackerClientOnly (root) {
  return {
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
}

/**
 * Options for one CommonJS file of `entry` (relative to `root`, the package folder with a
 * trailing slash) at `outfile`.
 */
export function serverBundleOptions (root, entry, outfile) {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // names stay readable in stack traces and logs; whitespace and syntax shrink the parse
    minifyWhitespace: true,
    minifySyntax: true,
    // ASCII only, licences in <outfile>.LEGAL.txt: a file with one non-ASCII character is read
    // into a two-byte string, which took 40 ms of every start instead of a few
    charset: 'ascii',
    legalComments: 'external',
    external: ['better-sqlite3', 'utp-native'],
    // import() becomes a require inside the bundle: vm.Script code has no module loader to call
    supported: { 'dynamic-import': false },
    alias: { 'cross-fetch-ponyfill': './scripts/shims/global-fetch.mjs' },
    plugins: [lazyBuiltins(root), trackerClientOnly(root)],
    // the sources' import.meta.url (package root, web UI folder) is the bundle's own URL
    define: { 'import.meta.url': '__momoshtremModuleUrl' },
    banner: { js: "var __momoshtremModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning'
  }
}
