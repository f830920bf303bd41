#!/usr/bin/env node
// Runs the built server (dist/server/main.js, made by `npm run build`, which `npm ci` runs).
import { existsSync } from 'node:fs'

const built = new URL('../dist/server/main.js', import.meta.url)
if (!existsSync(built)) {
  console.error('momoshtrem is not built: run `npm run build` (npm ci does it), or `npm run dev` to run the sources')
  process.exit(1)
}
await import(built.href)
