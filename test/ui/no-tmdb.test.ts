// The web UI without a TMDB key and without credentials: the discover page says how to set a
// key and adds by title and year, posters are the server's placeholders, and an error the API
// answers is shown in words (and is the only failed request).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp } from '../helpers/app.ts'
import { browserMissing, launch, openPage, shot, PHONE } from './browser.ts'

test('web UI without TMDB: the key hint, add by title and year, API errors in words', { timeout: 120_000, skip: browserMissing() ?? false }, async (t) => {
  const app = await startApp(t)
  const browser = await launch(t)
  const w = await openPage(browser)
  const { page } = w

  await page.goto(`${app.url}/#/discover`)
  await page.getByText('TMDB is not configured').waitFor()
  await page.getByText('MOMOSHTREM_TMDB_API_KEY=your-key').waitFor()
  const form = page.getByRole('form', { name: 'Add by title and year' })
  await form.getByLabel('Title').fill('Primer')
  await form.getByLabel('Year').fill('2004')
  await form.getByRole('button', { name: 'Add' }).click()
  await form.getByRole('link', { name: 'Primer' }).waitFor()
  await form.locator('select').selectOption('show')
  await form.getByLabel('Title').fill('Home Movies')
  await form.getByLabel('Year').fill('1999')
  await form.getByRole('button', { name: 'Add' }).click()
  await form.getByRole('link', { name: 'Home Movies' }).waitFor()
  await shot(page, 'discover-no-tmdb-desktop-light')
  assert.deepEqual(w.problems, [])

  await page.goto(`${app.url}/#/`)
  await page.locator('.card', { hasText: 'Primer' }).getByText('Not assigned').waitFor()
  await page.locator('.card .poster.placeholder').first().waitFor()
  await form.waitFor({ state: 'detached' })
  await page.locator('.card a', { hasText: 'Primer' }).click()
  await page.getByRole('heading', { name: /Primer/, level: 1 }).waitFor()

  // a broken magnet: the server's 400 in words, next to the form
  await page.getByLabel('Magnet link or info hash').fill('magnet:?xt=urn:btih:zz')
  await page.getByRole('button', { name: 'List files' }).click()
  const alert = page.getByRole('alert').filter({ hasText: 'Could not read the torrent' })
  await alert.waitFor()
  assert.match(await alert.innerText(), /not an info hash/)
  assert.match(await alert.innerText(), /HTTP 400/)
  // releases without an indexer: the 503 says how to add one
  await page.getByRole('button', { name: 'Search the indexers' }).click()
  const noIdx = page.getByRole('alert').filter({ hasText: 'Release search failed' })
  await noIdx.waitFor()
  assert.match(await noIdx.innerText(), /indexers/)
  await shot(page, 'movie-errors-desktop-light')
  // (assert.deepEqual above narrowed w.problems to an empty array for the type checker)
  const problems: string[] = [...w.problems as string[]]
  assert.equal(problems.filter((p) => p.startsWith('HTTP')).length, 2, problems.join('\n'))
  assert.ok(problems.every((p) => /HTTP (400|503)|status of (400|503)/.test(p)), problems.join('\n'))

  // the phone-width library, dark
  const phone = await openPage(browser, { ...PHONE, scheme: 'dark' })
  await phone.page.goto(`${app.url}/#/?view=list`)
  await phone.page.locator('table.list', { hasText: 'Primer' }).waitFor()
  await shot(phone.page, 'library-list-no-tmdb-phone-dark')
  assert.deepEqual(phone.problems, [])
})
