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
import { serverBundleOptions } from './server-bundle.mjs'
import { warmCodeCache } from './warm-code-cache.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

const outdir = `${root}dist/server`
rmSync(outdir, { recursive: true, force: true })

await build({ ...serverBundleOptions(root, 'src/main.ts', `${outdir}/main.cjs`), sourcemap: 'linked' })
// the bin reads the bundle as latin1, a plain copy (0.7 ms here, UTF-8 decoding 20 ms): right
// only while every byte is ASCII
const bytes = readFileSync(`${outdir}/main.cjs`)
const wide = bytes.findIndex((b) => b > 0x7f)
if (wide !== -1) throw new Error(`dist/server/main.cjs has a non-ASCII byte at offset ${wide}: ${bytes.subarray(Math.max(0, wide - 60), wide + 20).toString()}`)
console.log('built dist/server/main.cjs')
await warmCodeCache(root)
