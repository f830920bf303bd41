// The library page at 10,000 movies (written straight into SQLite, 70 % assigned), in a real
// browser against the real app: paging with the keyboard alone keeps the focus on the pager,
// the grid never collapses to a spinner between pages (the last page stays until the next
// one is there), the page barely shifts, and each page is on screen quickly. The figures are
// printed as test diagnostics.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { writeGeneratedMovies } from '../helpers/generated-library.ts'
import { startApp, tempDir } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'
import { browserMissing, launch, openPage, shot, DESKTOP } from './browser.ts'
import { AUTH, noProblems } from './helpers.ts'

const MOVIES = 10_000
const PAGE_SIZE = 60
const PAGES = Math.ceil(MOVIES / PAGE_SIZE)

interface Watch { collapsed: boolean, shift: number, longestTask: number, changes: number[] }

test(`web UI: a library of ${MOVIES.toLocaleString('en')} movies pages with the keyboard, without collapse or jank`, { timeout: 180_000, skip: browserMissing() ?? false }, async (t) => {
  const dir = tempDir(t)
  writeGeneratedMovies(join(dir, 'momoshtrem.db'), MOVIES)
  const app = await startApp(t, { auth: AUTH }, dir)
  const browser = await launch(t)
  const w = await openPage(browser, { ...DESKTOP, credentials: AUTH })
  const { page } = w

  const started = Date.now()
  await page.goto(`${app.url}/#/`)
  const count = page.locator('.count')
  await count.getByText(`${MOVIES.toLocaleString('en')} movies in the library · page 1 of ${PAGES}`).waitFor()
  assert.equal(await page.locator('.grid .card').count(), PAGE_SIZE)
  t.diagnostic(`first page of titles on screen ${Date.now() - started} ms after navigation`)

  // from now on: does the grid ever leave the page, how much does the layout shift (input-driven
  // shifts included), and the longest task on the main thread
  // shifts included), the longest task on the main thread, and each page change's time from
  // the key going down to the next frame after the new titles are in
  await page.evaluate(`(() => {
    const w = window.__watch = { collapsed: false, shift: 0, longestTask: 0, changes: [] }
    const title = () => document.querySelector('.grid .card .card-title')?.textContent
    let key = 0
    let shown = title()
    document.addEventListener('keydown', (e) => { key = e.timeStamp }, true)
    new MutationObserver(() => {
      if (document.querySelector('.library-results .grid') === null) w.collapsed = true
      const now = title()
      if (now !== shown && document.querySelector('.library-results.stale') === null) {
        shown = now
        requestAnimationFrame(() => { w.changes.push(performance.now() - key) })
      }
    }).observe(document.getElementById('main'), { subtree: true, childList: true, characterData: true })
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.shift += e.value }).observe({ type: 'layout-shift' })
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.longestTask = Math.max(w.longestTask, e.duration) }).observe({ type: 'longtask' })
  })()`)

  const top = page.getByRole('navigation', { name: 'Pages', exact: true })
  const bottom = page.getByRole('navigation', { name: 'Pages, at the end of the list' })
  const notStale = async (): Promise<boolean> => await page.locator('.library-results.stale').count() === 0
  const firstTitle = async (): Promise<string> => await page.locator('.grid .card .card-title').first().innerText()
  const focused = async (): Promise<string> => await page.evaluate('(() => { const e = document.activeElement; return (e?.closest(".pager")?.classList.contains("top") ? "top " : "") + (e?.getAttribute("data-key") ?? e?.tagName) })()') as string

  // Next on the top pager, with Enter, four times: the focus stays on it
  await top.getByRole('button', { name: 'Next' }).focus()
  for (let n = 2; n <= 5; n++) {
    const before = await firstTitle()
    await page.keyboard.press('Enter')
    await count.getByText(`page ${n} of ${PAGES}`).waitFor()
    await waitFor(async () => await firstTitle() !== before && await notStale(), 10_000, `page ${n}'s titles`)
    assert.equal(await focused(), 'top next', `the focus stays on Next (page ${n})`)
  }
  assert.match(page.url(), /page=5/)

  // the last page from the bottom pager: the view goes up, the focus to the same button on top
  await page.locator('.grid .card').last().scrollIntoViewIfNeeded()
  await bottom.getByRole('button', { name: `Page ${PAGES}` }).focus()
  await page.keyboard.press('Enter')
  await count.getByText(`page ${PAGES} of ${PAGES}`).waitFor()
  await waitFor(notStale, 10_000, 'the last page\'s titles')
  assert.equal(await page.locator('.grid .card').count(), MOVIES - (PAGES - 1) * PAGE_SIZE)
  assert.equal(await focused(), `top page-${PAGES}`)
  assert.equal(await page.evaluate('window.scrollY'), 0)
  assert.equal(await top.getByRole('button', { name: 'Next' }).isDisabled(), true)
  // and back with Shift+Tab to Previous... the nearest page buttons are in between
  await top.getByRole('button', { name: 'Previous' }).focus()
  await page.keyboard.press('Space')
  await count.getByText(`page ${PAGES - 1} of ${PAGES}`).waitFor()
  assert.equal(await focused(), 'top prev')

  await waitFor(async () => await page.evaluate('window.__watch.changes.length') === 6, 5000, 'six page changes timed')
  const watch = await page.evaluate('window.__watch') as Watch
  const times = watch.changes.map((ms) => Math.round(ms))
  const fetches = await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/movies')).map((e) => Math.round(e.duration))`) as number[]
  t.diagnostic(`the API's answers (resource timing): ${fetches.map((ms) => `${ms} ms`).join(', ')}`)
  t.diagnostic(`page changes (key down to the frame with the new titles): ${times.map((ms) => `${ms} ms`).join(', ')}`)
  t.diagnostic(`layout shift over ${times.length} page changes: ${watch.shift.toFixed(3)}; longest main-thread task: ${Math.round(watch.longestTask)} ms`)
  assert.equal(watch.collapsed, false, 'the grid never left the page between pages')
  assert.ok(watch.shift < 0.1, `layout shift ${watch.shift}`)
  assert.ok(Math.max(...times) < 5000, `page changes took ${times.join(', ')} ms`)
  await shot(page, 'library-10000-desktop-light')
  noProblems(w, 'library at scale')
})
