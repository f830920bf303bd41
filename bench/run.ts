// `npm run bench`: runs every bench/*.bench.ts in name order, one after another. Each module
// exports `run(): Promise<void>` (or a default function) that prints its own results and
// cleans up after itself. `npm run bench -- engine` runs only modules whose name contains "engine".
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'

const dir = fileURLToPath(new URL('.', import.meta.url))
const filters = process.argv.slice(2)
const modules = readdirSync(dir)
  .filter((n) => n.endsWith('.bench.ts'))
  .filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
  .sort()

if (modules.length === 0) {
  console.error(`no bench/*.bench.ts module matches ${filters.join(', ') || '(any)'}`)
  process.exit(1)
}

let failed = 0
for (const name of modules) {
  const t0 = Date.now()
  console.log(`=== ${name}`)
  try {
    const mod = await import(pathToFileURL(join(dir, name)).href) as { run?: () => Promise<void>, default?: () => Promise<void> }
    const fn = mod.run ?? mod.default
    if (typeof fn !== 'function') throw new Error(`${name} exports neither run() nor a default function`)
    await fn()
    console.log(`=== ${name}: ok in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  } catch (err) {
    failed++
    console.error(`=== ${name}: FAILED after ${((Date.now() - t0) / 1000).toFixed(0)} s: ${String((err as Error)?.stack ?? err)}`)
  }
}
process.exit(failed === 0 ? 0 : 1)
