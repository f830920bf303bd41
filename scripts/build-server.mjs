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
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { warmCodeCache } from './warm-code-cache.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
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
  external: ['better-sqlite3', 'utp-native'],
  // import() becomes a require inside the bundle: vm.Script code has no module loader to call
  supported: { 'dynamic-import': false },
  alias: { 'cross-fetch-ponyfill': './scripts/shims/global-fetch.mjs' },
  // the sources' import.meta.url (package root, web UI folder) is the bundle's own URL
  define: { 'import.meta.url': '__momoshtremModuleUrl' },
  banner: { js: "var __momoshtremModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning'
})
console.log('built dist/server/main.cjs')
await warmCodeCache(root)
