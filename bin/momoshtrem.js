#!/usr/bin/env node
// Runs the built server (dist/server/main.cjs, made by `npm run build`, which `npm ci` runs)
// with V8's code cache of it (main.cjs.cache): compiled through vm.Script with the cache, the
// 3 MB bundle is not parsed again on every start. The cache belongs to one build and one
// Node/V8: its first line names the bundle's size and time and the Node version, and a cache
// that is missing, of another build or refused by V8 is written again when this process exits
// (best effort: a read-only install just starts without it).
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'

const file = fileURLToPath(new URL('../dist/server/main.cjs', import.meta.url))
if (!existsSync(file)) {
  console.error('momoshtrem is not built: run `npm run build` (npm ci does it), or `npm run dev` to run the sources')
  process.exit(1)
}
const cacheFile = `${file}.cache`
const { size, mtimeMs } = statSync(file)
const stamp = Buffer.from(`${size} ${mtimeMs} ${process.version} ${process.arch}\n`)

function readCache () {
  try {
    const data = readFileSync(cacheFile)
    return data.subarray(0, stamp.length).equals(stamp) ? data.subarray(stamp.length) : undefined
  } catch { return undefined }
}

let cachedData = readCache()
// the wrapper Node itself puts around a CommonJS file, on the bundle's first line so that
// line numbers (stack traces, the source map) stay those of the file
// latin1: the build makes the bundle ASCII only, and a latin1 read is a copy where UTF-8 decodes
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'latin1')}\n})`, { filename: file, cachedData })
const stale = cachedData === undefined || script.cachedDataRejected === true
// V8 took what it needed while compiling: the 2 MB read of the cache is not kept for the
// process's life (this module's scope would keep it)
cachedData = undefined
if (stale) {
  process.once('exit', () => {
    try {
      // made at exit: it then holds every function this run compiled, not just the top level
      writeFileSync(`${cacheFile}.tmp`, Buffer.concat([stamp, script.createCachedData()]))
      renameSync(`${cacheFile}.tmp`, cacheFile)
    } catch { /* read-only install: every start parses the bundle */ }
  })
}
const module = { exports: {} }
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file))
