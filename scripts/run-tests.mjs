#!/usr/bin/env node
// Runs every *.test.ts below the given folders with node's test runner (through tsx).
// Node 20's `--test` takes no globs, so the file list is built here.
import { readdirSync, statSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

function collect (dir, out) {
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) collect(p, out)
    else if (name.endsWith('.test.ts')) out.push(p)
  }
  return out
}

const dirs = process.argv.slice(2)
const files = dirs.flatMap((d) => collect(d, []))
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`)
  process.exit(1)
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2'
// Every test has its own timeout; these are the backstops so that CI can never hang: no
// single test runs past 5 minutes, and a file whose tests are done exits even if a handle
// leaked (leaks are asserted by test/engine/lifecycle's close-in-a-child-process test).
const r = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', '--test-force-exit',
  '--test-reporter=spec', ...files
], { stdio: 'inherit' })
process.exit(r.status ?? 1)
