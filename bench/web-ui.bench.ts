// The web UI at library scale: 10,000 movies written straight into SQLite (test/helpers/generated-library.ts: 70 % assigned, half
// with a poster path, which the server answers with its placeholder since TMDB is not
// configured), the real app started on them, and Debian's chromium (playwright-core) loading
// the library page cold, five times each: the figure is the time from navigation start to the
// page's 'library-rendered' mark (set once the first page of titles is on screen). Also the
// shipped JS and CSS, raw and gzip. `npm run bench -- web-ui`; needs `npm run build:web` and
// /usr/bin/chromium (or CHROMIUM_PATH); skipped without them.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { writeGeneratedMovies } from '../test/helpers/generated-library.ts'
import { testConfig } from '../test/helpers/app.ts'
import { createApp } from '../src/app.ts'
import { fmtMs, median, renderTable, type Cell } from './lib/table.ts'

const MOVIES = Number(process.env.WEB_UI_MOVIES ?? 10_000)
const RUNS = 5
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const DIST = fileURLToPath(new URL('../dist/web/', import.meta.url))

function sizes (): Cell[][] {
  const dir = join(DIST, 'assets')
  return readdirSync(dir).filter((n) => /\.(js|css)$/.test(n)).map((n) => {
    const body = readFileSync(join(dir, n))
    return [n, `${(body.length / 1024).toFixed(1)} KiB`, `${(gzipSync(body, { level: 9 }).length / 1024).toFixed(1)} KiB`]
  })
}

export async function run (): Promise<void> {
  if (!existsSync(CHROMIUM) || !existsSync(join(DIST, 'index.html'))) {
    console.log(`skipped: needs ${CHROMIUM} and the built UI (npm run build:web)`)
    return
  }
  console.log(renderTable(['asset', 'raw', 'gzip'], sizes()))
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-web-bench-'))
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  const app = await (async () => {
    writeGeneratedMovies(join(dir, 'db.sqlite'), MOVIES)
    return await createApp(testConfig(dir, { database: { path: join(dir, 'db.sqlite') } }))
  })()
  try {
    const url = await app.listen()
    const rows: Cell[][] = []
    for (const [label, hash] of <Array<[string, string]>>[
      ['first page (title)', '#/'],
      ['page 100', '#/?page=100'],
      ['newest first', '#/?sort=added'],
      ['filter "99"', '#/?q=99'],
      ['list view', '#/?view=list']
    ]) {
      const times: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 860 } })
        const page = await context.newPage()
        await page.goto(`${url}/${hash}`)
        // functions, not strings: the page's CSP forbids eval
        await page.waitForFunction(() => performance.getEntriesByName('library-rendered').length > 0, undefined, { timeout: 30_000 })
        times.push(await page.evaluate(() => performance.getEntriesByName('library-rendered')[0]!.startTime))
        if (process.env.WEB_UI_DEBUG !== undefined) console.log(await page.evaluate(() => JSON.stringify(performance.getEntries().filter((e) => e.entryType !== 'resource' || e.name.includes('/api/movies') || e.name.includes('assets')).map((e) => [e.name.slice(-40), Math.round(e.startTime), Math.round(e.duration)]))))
        await context.close()
      }
      rows.push([label, fmtMs(median(times)), fmtMs(Math.max(...times))])
    }
    console.log(`library page in chromium, ${MOVIES.toLocaleString()} movies, ${RUNS} cold loads each (navigation start -> first page of titles rendered)`)
    console.log(renderTable(['view', 'median', 'worst'], rows))
  } finally {
    await browser.close()
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
