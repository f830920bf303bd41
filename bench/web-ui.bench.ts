// The web UI at library scale: 10,000 movies written straight into SQLite (70 % assigned, half
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
import { openDatabase } from '../src/db/open.ts'
import { migrate } from '../src/db/migrate.ts'
import { loadConfig } from '../src/config/load.ts'
import { createApp } from '../src/app.ts'
import { fmtMs, median, renderTable, type Cell } from './lib/table.ts'

const MOVIES = Number(process.env.WEB_UI_MOVIES ?? 10_000)
const RUNS = 5
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const DIST = fileURLToPath(new URL('../dist/web/', import.meta.url))

function generate (path: string): void {
  const db = openDatabase(path)
  migrate(db)
  const ins = db.prepare('INSERT INTO movies (title, year, poster_path, created_at) VALUES (?, ?, ?, ?)')
  const assign = db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, is_active, created_at)
    VALUES ('movie', ?, ?, ?, ?, 0, ?, 1, ?)`)
  db.transaction(() => {
    for (let i = 1; i <= MOVIES; i++) {
      const stamp = new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString()
      const id = Number(ins.run(`Movie ${i}: The Sequel`, 1950 + (i % 70), i % 2 === 0 ? `/poster${i}.jpg` : null, stamp).lastInsertRowid)
      if (i % 10 < 7) {
        const h = (i.toString(16).padStart(8, '0')).repeat(5)
        assign.run(id, h, `magnet:?xt=urn:btih:${h}`, `Movie.${i}/Movie.${i}.mkv`, 1_000_000_000 + i, stamp)
      }
    }
  })()
  db.close()
}

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
    generate(join(dir, 'db.sqlite'))
    return await createApp(loadConfig({
      env: {},
      overrides: {
        server: { host: '127.0.0.1', port: 0 },
        database: { path: join(dir, 'db.sqlite') },
        torrent: { metadata_folder: join(dir, 'torrents'), cache_folder: join(dir, 'cache'), dht: false, lsd: false, pex: false, listen_port: 0 },
        subtitles: { folder: join(dir, 'subtitles') },
        logging: { level: 'silent' }
      }
    }))
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
