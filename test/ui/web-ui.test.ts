// The web UI in a real browser (Debian's chromium through playwright-core) against the real
// app: fake TMDB, a fake Torznab indexer, real webtorrent seeders on loopback, Basic auth on.
// Every page renders without a console error or a failed request; a movie is added from a
// search and assigned through the file picker, and its file appears in the WebDAV tree; a
// season pack is previewed and applied; the torrent page's piece map changes after a read;
// without credentials the page is a 401. Screenshots land in .ui-shots/ (desktop and phone,
// light and dark).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp, tempDir } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startFakeTorznab } from '../helpers/fake-torznab.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { KiB, writeFixture } from '../helpers/fixtures.ts'
import { darkSeason1 } from '../helpers/season-packs.ts'
import { dav } from '../helpers/dav.ts'
import { waitFor } from '../helpers/wait.ts'
import { browserMissing, launch, openPage, shot, DESKTOP, PHONE } from './browser.ts'
import { AUTH, authHeader, noProblems } from './helpers.ts'

test('web UI: every page, add from search, file picker, WebDAV, season pack, piece map, 401', { timeout: 240_000, skip: browserMissing() ?? false }, async (t) => {
  const dir = tempDir(t)
  // two videos: assigning needs the file picker; 2 MiB of 16 KiB pieces for a visible piece map
  const movieFx = writeFixture(dir, {
    name: 'Two.Movies.Pack',
    seed: 'ui-movies',
    files: [
      { path: 'Fight.Club.1999.1080p.BluRay.x264-GRP.mkv', length: 2048 * KiB + 3 },
      { path: 'Other.Movie.2002.720p.WEB-DL.mp4', length: 300 * KiB + 5 },
      { path: 'Subs/Fight.Club.1999.en.srt', length: 3 * KiB },
      { path: 'Sample/fight.club.sample.mkv', length: 40 * KiB },
      { path: 'readme.txt', length: 100 }
    ]
  })
  const packFx = writeFixture(dir, darkSeason1())
  const [movieSeed, packSeed] = await Promise.all([
    startSeeder(t, { path: movieFx.root, pieceLength: 16 * KiB }),
    startSeeder(t, { path: packFx.root, pieceLength: 16 * KiB })
  ])
  const tmdb = await startFakeTmdb(t)
  const idx = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'prowlarr' })
  idx.addRelease({ title: 'Dark.S01.1080p.NF.WEB-DL.DDP5.1.x264-GRP', magnet: packSeed.magnet, seeders: 40, size: packFx.files.reduce((n, f) => n + f.length, 0), categories: [5000, 5040] })
  const app = await startApp(t, {
    auth: AUTH,
    tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey },
    torrent: { add_timeout: 30, read_timeout: 30, start_paused: false },
    // nothing is fetched until a player reads: the piece map starts empty
    streaming: { warm_on_assign: false },
    indexers: [{ name: idx.name, url: idx.url, api_key: idx.apiKey, categories: [], timeout: 5 }],
    releases: { health_timeout: 5 }
  })
  const browser = await launch(t)

  await t.test('401 without credentials, for the page and the API alike', async () => {
    const res = await fetch(`${app.url}/`)
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="momoshtrem"/)
    assert.equal((await fetch(`${app.url}/api/status`)).status, 401)
    // headless chromium cannot prompt: it gives up on the page, after the 401 arrived
    const anon = await openPage(browser)
    const answered = anon.page.waitForEvent('response')
    await anon.page.goto(`${app.url}/`).catch(() => null)
    assert.equal((await answered).status(), 401)
    await anon.context.close()
  })

  const w = await openPage(browser, { ...DESKTOP, credentials: AUTH })
  const { page } = w
  const go = async (hash: string): Promise<void> => { await page.goto(`${app.url}/${hash}`) }

  await t.test('library, empty', async () => {
    await go('#/')
    await page.getByRole('heading', { name: 'Library' }).waitFor()
    await page.getByText('No movies yet.').waitFor()
    await shot(page, 'library-empty-desktop-light')
    noProblems(w, 'empty library')
  })

  let movieId = 0
  await t.test('discover: trending, then add a movie from a search', async () => {
    await go('#/discover')
    await page.getByRole('heading', { name: 'Trending this week' }).waitFor()
    await page.locator('.results .card').first().waitFor()
    await page.locator('.results .card img').first().waitFor()
    await shot(page, 'discover-desktop-light')
    await page.getByPlaceholder('Search TMDB for movies').fill('fight club')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByRole('heading', { name: /Results for/ }).waitFor()
    await page.getByRole('button', { name: 'Add Fight Club (1999)' }).click()
    const open = page.getByRole('link', { name: 'In library: open' }).first()
    await open.waitFor()
    await page.getByRole('status').filter({ hasText: 'Added Fight Club to the library' }).waitFor()
    await open.click()
    await page.getByRole('heading', { name: /Fight Club/, level: 1 }).waitFor()
    movieId = Number(/#\/movies\/(\d+)/.exec(page.url())?.[1])
    assert.ok(movieId > 0, page.url())
    noProblems(w, 'discover and add')
  })

  await t.test('movie: paste a magnet, pick the file, it appears in the WebDAV tree', async () => {
    await page.getByText('No file is assigned').waitFor()
    await page.getByLabel('Magnet link or info hash').fill(movieSeed.magnet)
    await page.getByRole('button', { name: 'List files' }).click()
    const picker = page.getByRole('radiogroup', { name: 'Files in the torrent' })
    await picker.waitFor()
    // videos and samples first; every file on demand, each with its kind
    await page.getByRole('button', { name: 'Show every file' }).click()
    await picker.getByText('readme.txt').waitFor()
    assert.equal(await picker.getByRole('radio').count(), 5)
    await shot(page, 'movie-file-picker-desktop-light')
    const fight = picker.getByRole('radio', { name: /Fight\.Club\.1999\.1080p/ })
    assert.ok(await fight.isChecked(), 'the largest video is chosen first')
    await picker.locator('label', { hasText: 'Fight.Club.1999.1080p' }).getByText('video', { exact: true }).waitFor()
    await picker.locator('label', { hasText: 'fight.club.sample' }).getByText('sample', { exact: true }).waitFor()
    await picker.locator('label', { hasText: '.srt' }).getByText('subtitle', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Assign this file' }).click()
    await page.locator('.assigned .file', { hasText: 'Two.Movies.Pack/Fight.Club.1999.1080p.BluRay.x264-GRP.mkv' }).waitFor()
    await page.locator('.assigned').getByText('1080p').first().waitFor()
    await page.locator('.badge', { hasText: 'Playable' }).waitFor()
    await page.locator('.assigned a', { hasText: 'Two.Movies.Pack' }).waitFor()
    await shot(page, 'movie-desktop-light')

    const listing = await dav(`${app.url}/dav/Movies/Fight%20Club%20(1999)/`, 'PROPFIND', { Depth: '1', ...authHeader })
    assert.equal(listing.status, 207)
    assert.ok(listing.text.includes('Fight%20Club%20%281999%29.mkv'), listing.text)
    noProblems(w, 'movie assign')
  })

  await t.test('releases: the indexers are asked and answer, with live health', async () => {
    await page.getByRole('button', { name: 'Search the indexers' }).click()
    await page.locator('.indexers', { hasText: 'prowlarr' }).waitFor()
    noProblems(w, 'movie releases')
  })

  await t.test('torrents: the list, and a piece map that changes after a read', async () => {
    await go('#/torrents')
    const row = page.getByRole('link', { name: 'Two.Movies.Pack' })
    await row.waitFor()
    await shot(page, 'torrents-desktop-light')
    await row.click()
    await page.getByRole('heading', { name: 'Pieces' }).waitFor()
    const canvas = page.locator('.piece-map canvas')
    await canvas.waitFor()
    const mapOf = async (): Promise<string> => await canvas.getAttribute('data-map') ?? ''
    await waitFor(async () => (await mapOf()).length === movieSeed.pieceCount, 10_000, 'the piece map drawn')
    const before = await mapOf()
    const cachedBefore = before.replace(/[^12]/g, '').length

    // a player reads the movie's first MiB through WebDAV
    const res = await fetch(`${app.url}/dav/Movies/Fight%20Club%20(1999)/Fight%20Club%20(1999).mkv`, { headers: { ...authHeader, range: 'bytes=0-1048575' }, signal: AbortSignal.timeout(30_000) })
    assert.equal(res.status, 206)
    assert.equal((await res.arrayBuffer()).byteLength, 1024 * 1024)
    await waitFor(async () => (await mapOf()).replace(/[^12]/g, '').length >= cachedBefore + 64, 15_000, 'cached pieces on the map after the read')
    await page.locator('.legend', { hasText: /(cached|pinned): [1-9]/ }).waitFor()
    // the streaming figures of the read file
    await page.locator('table', { hasText: 'p50' }).getByText('Fight.Club.1999.1080p', { exact: false }).waitFor()
    await shot(page, 'torrent-desktop-light')
    noProblems(w, 'torrent')
  })

  await t.test('show: add, season-pack preview and apply', async () => {
    await go('#/discover?type=show&q=Dark')
    await page.getByRole('button', { name: 'Add Dark (2017)' }).click()
    await page.getByRole('link', { name: 'In library: open' }).first().click()
    await page.getByRole('heading', { name: /^Dark/, level: 1 }).waitFor()
    await page.getByRole('tab', { name: /Season 1/ }).waitFor()
    assert.equal(await page.getByRole('tab', { name: /Season 1/ }).getAttribute('aria-selected'), 'true')
    await page.getByRole('button', { name: 'Search the indexers for packs' }).click()
    await page.getByRole('button', { name: /Preview Dark\.S01/ }).click()
    const plan = page.locator('table.plan')
    await plan.waitFor({ timeout: 40_000 })
    await page.getByRole('heading', { name: /Preview: Dark\.S01/ }).waitFor()
    assert.equal(await plan.locator('tbody tr').count(), 3)
    await plan.locator('tr', { hasText: 'S01E02 ' }).locator('.muted', { hasText: /^S01E02E03/ }).first().waitFor()
    assert.equal(await plan.locator('.badge', { hasText: 'high' }).count(), 3)
    await page.getByText(/files? left out/).first().waitFor()
    await shot(page, 'show-pack-preview-desktop-light')
    await page.getByRole('button', { name: 'Apply: store 3 episodes' }).click()
    await page.getByRole('heading', { name: /Applied: Dark\.S01/ }).waitFor({ timeout: 40_000 })
    await page.locator('.episodes .badge', { hasText: 'Playable' }).nth(2).waitFor()
    const listing = await dav(`${app.url}/dav/${encodeURIComponent('TV Shows')}/${encodeURIComponent('Dark (2017)')}/Season%2001/`, 'PROPFIND', { Depth: '1', ...authHeader })
    assert.equal(listing.status, 207)
    assert.ok(listing.text.includes('S01E01'), listing.text)
    // an episode opens its own panel
    await page.getByRole('button', { name: /S01E01/ }).click()
    await page.locator('.episode-panel .assigned .file', { hasText: 'Dark.S01E01' }).waitFor()
    await shot(page, 'show-desktop-light')
    noProblems(w, 'show and season pack')
  })

  await t.test('library with titles: grid, filters, list', async () => {
    await go('#/')
    await page.locator('.card', { hasText: 'Fight Club' }).getByText('Playable').waitFor()
    await page.locator('.card img').first().waitFor()
    await shot(page, 'library-desktop-light')
    await page.getByRole('button', { name: 'TV shows' }).click()
    await page.locator('.card', { hasText: 'Dark' }).waitFor()
    await page.locator('select[name=state]').selectOption('missing')
    await page.locator('.card', { hasText: 'Dark' }).waitFor()
    await page.getByRole('button', { name: 'List' }).click()
    await page.locator('table.list', { hasText: 'Dark' }).waitFor()
    await page.locator('select[name=state]').selectOption('unassigned')
    await page.getByText('Nothing matches the filter').waitFor()
    noProblems(w, 'library')
  })

  await t.test('status: TMDB, indexers, cache, WebDAV address and client setup', async () => {
    await go('#/status')
    await page.getByRole('heading', { name: 'Play with WebDAV' }).waitFor()
    await page.locator('#dav-address', { hasText: `${app.url}/dav/` }).waitFor()
    await page.getByText('configured', { exact: true }).first().waitFor()
    await page.locator('.panel', { hasText: 'Indexers' }).getByText('prowlarr').waitFor()
    await page.getByRole('button', { name: 'Copy address' }).click()
    await page.getByText('Copied.').waitFor()
    for (const client of ['Infuse', 'Kodi', 'VLC', 'macOS Finder', 'rclone']) {
      await page.locator('summary', { hasText: client }).waitFor()
    }
    await page.locator('summary', { hasText: 'rclone' }).click()
    await shot(page, 'status-desktop-light')
    noProblems(w, 'status')
  })

  await t.test('keyboard: the skip link and the sections are reachable with Tab', async () => {
    await go('#/')
    await page.reload()
    await page.locator('.card').first().waitFor()
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content')
    await page.keyboard.press('Enter')
    assert.equal(await page.evaluate('document.activeElement?.id'), 'main')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Movies')
    noProblems(w, 'keyboard')
  })

  await t.test('phone width and dark scheme', async () => {
    const movieHash = `#/movies/${movieId}`
    const shows = await (await fetch(`${app.url}/api/shows`, { headers: authHeader })).json() as { items: Array<{ id: number }> }
    const pages: Array<[string, string, string]> = [
      ['library', '#/', '.card'],
      ['discover', '#/discover', '.results .card'],
      ['movie', movieHash, '.assigned'],
      ['show', `#/shows/${shows.items[0]!.id}`, '.episodes'],
      ['torrents', '#/torrents', 'table.torrents'],
      ['torrent', `#/torrents/${movieSeed.infoHash}`, '.piece-map canvas'],
      ['status', '#/status', '#dav-address']
    ]
    for (const [size, scheme] of [[PHONE, 'light'], [PHONE, 'dark'], [DESKTOP, 'dark']] as const) {
      const v = await openPage(browser, { ...size, scheme, credentials: AUTH })
      const label = `${size === PHONE ? 'phone' : 'desktop'}-${scheme}`
      for (const [name, hash, ready] of pages) {
        await v.page.goto(`${app.url}/${hash}`)
        await v.page.locator(ready).first().waitFor()
        if (name === 'library' || name === 'discover') await v.page.locator('.card img').first().waitFor()
        // nothing may stick out sideways at phone width
        const overflow = await v.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number
        assert.ok(overflow <= 0, `${name} at ${label} is ${overflow}px wider than the screen`)
        await shot(v.page, `${name}-${label}`)
      }
      noProblems(v, label)
      await v.context.close()
    }
  })

  noProblems(w, 'the whole run')
})
