#!/usr/bin/env node
// Builds the server into one file, dist/server/main.js, that `npm start` and the `momoshtrem`
// bin run with plain node. Why one bundled file rather than tsc's file per module: Node 20
// spends most of a start resolving and loading hundreds of ES modules (tsc output started in
// 1.8 s, this bundle in well under half that; bench/start.bench.ts measures it). Native addons
// stay outside (they are loaded from node_modules); so do packages that find their own files
// through __dirname. Runs from `prepare`, i.e. on every `npm ci`.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}dist/server`
rmSync(outdir, { recursive: true, force: true })

await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outfile: `${outdir}/main.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // names stay readable in stack traces and logs; whitespace and syntax shrink the parse
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  external: ['better-sqlite3', 'utp-native'],
  // CommonJS packages inside an ES module bundle still call require() for Node built-ins
  banner: { js: "import { createRequire as __momoshtremRequire } from 'node:module'; const require = __momoshtremRequire(import.meta.url);" },
  logLevel: 'warning'
})
console.log('built dist/server/main.js')
