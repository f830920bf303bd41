// What a user does to an item once it is in the library, in a real browser against the real
// app (fake TMDB and OpenSubtitles, real seeders on loopback, Basic auth on): subtitles of a
// movie and an episode (the torrent's own listed, OpenSubtitles searched and one downloaded
// into the WebDAV tree, then deleted; deleting the torrent's own is refused with the server's
// 409 in words), an OpenSubtitles 429 with Retry-After in words, the torrent page's link from
// an episode's file to its show, unassign with a confirmation (cancel keeps the file; confirm
// takes it out of the WebDAV tree), and deleting a movie and a show (cancel keeps them).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp, tempDir } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startFakeOpenSubtitles } from '../helpers/fake-opensubtitles.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { KiB, writeFixture } from '../helpers/fixtures.ts'
import { DARK_TMDB_ID, darkSeason1 } from '../helpers/season-packs.ts'
import { waitFor } from '../helpers/wait.ts'
import { browserMissing, launch, openPage, shot, DESKTOP } from './browser.ts'
import { AUTH, authedApi, davNames, expectProblems, noProblems } from './helpers.ts'

const FIGHT_CLUB = 'Fight Club (1999)'
const DARK = 'Dark (2017)'

test('web UI item actions: subtitles, errors in words, unassign, delete with confirmation', { timeout: 240_000, skip: browserMissing() ?? false }, async (t) => {
  const dir = tempDir(t)
  const movieFx = writeFixture(dir, {
    name: 'Fight.Club.1999.1080p.BluRay.x264-GRP',
    seed: 'ui-actions-movie',
    files: [
      { path: 'Fight.Club.1999.1080p.BluRay.x264-GRP.mkv', length: 400 * KiB + 17 },
      { path: 'Fight.Club.1999.1080p.BluRay.x264-GRP.en.srt', length: 2 * KiB }
    ]
  })
  const packFx = writeFixture(dir, darkSeason1())
  const [movieSeed, packSeed] = await Promise.all([
    startSeeder(t, { path: movieFx.root, pieceLength: 16 * KiB }),
    startSeeder(t, { path: packFx.root, pieceLength: 16 * KiB })
  ])
  const tmdb = await startFakeTmdb(t)
  const os = await startFakeOpenSubtitles(t)
  os.addSubtitle({ tmdbId: 550, language: 'de', release: 'Fight.Club.1999.German.DVDRip', downloadCount: 9000 })
  os.addSubtitle({ tmdbId: 550, language: 'fr', release: 'Fight.Club.1999.FRENCH.1080p', downloadCount: 700 })
  os.addSubtitle({ parentTmdbId: DARK_TMDB_ID, season: 1, episode: 1, language: 'es', release: 'Dark.S01E01.Spanish.WEB' })
  const app = await startApp(t, {
    auth: AUTH,
    tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey },
    torrent: { add_timeout: 30, read_timeout: 30, start_paused: false },
    streaming: { warm_on_assign: false },
    // nothing downloaded automatically: the list starts with the torrent's own subtitle
    subtitles: { languages: [], opensubtitles: { api_key: os.apiKey, base_url: os.url, timeout: 5 } }
  })

  // the library as a user would have it by now (adding and assigning are web-ui.test.ts's)
  const api = authedApi(app.url)
  const movie = await api.post('/api/movies', { tmdb_id: 550 })
  assert.equal(movie.status, 201, JSON.stringify(movie.body))
  const movieId = movie.body.id as number
  const assigned = await api.post(`/api/movies/${movieId}/assign`, { magnet_uri: movieSeed.magnet, file_path: movieFx.files[0]!.path })
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body))
  const show = await api.post('/api/shows', { tmdb_id: DARK_TMDB_ID })
  assert.equal(show.status, 201, JSON.stringify(show.body))
  const showId = show.body.id as number
  const pack = await api.post(`/api/shows/${showId}/assign`, { magnet_uri: packSeed.magnet, season: 1, dry_run: false })
  assert.equal(pack.status, 201, JSON.stringify(pack.body).slice(0, 500))
  assert.equal(pack.body.counts.stored, 3)

  const browser = await launch(t)
  const w = await openPage(browser, { ...DESKTOP, credentials: AUTH })
  const { page } = w
  const subtitles = page.locator('section', { has: page.getByRole('heading', { name: 'Subtitles', level: 2 }) })

  await t.test('movie subtitles: the torrent\'s own, search and download from OpenSubtitles, delete', async () => {
    await page.goto(`${app.url}/#/movies/${movieId}`)
    await page.getByRole('heading', { name: /Fight Club/, level: 1 }).waitFor()
    const own = subtitles.getByRole('listitem').filter({ hasText: 'in the torrent' })
    await own.filter({ hasText: 'Fight.Club.1999.1080p.BluRay.x264-GRP.en.srt' }).waitFor()
    await own.getByText('en', { exact: false }).first().waitFor()

    await subtitles.getByRole('button', { name: 'Search OpenSubtitles' }).click()
    const results = subtitles.getByRole('list', { name: 'OpenSubtitles results' })
    await results.waitFor()
    assert.equal(await results.getByRole('listitem').count(), 2)
    const german = results.getByRole('listitem').filter({ hasText: 'Fight.Club.1999.German.DVDRip' })
    await german.getByText('9000 downloads').waitFor()
    await german.getByRole('button', { name: /Download/ }).click()
    await page.getByRole('status').filter({ hasText: 'Downloaded 1 subtitle' }).waitFor()
    const downloaded = subtitles.getByRole('listitem').filter({ hasText: 'OpenSubtitles: Fight.Club.1999.German.DVDRip' })
    await downloaded.waitFor()
    // published next to the video
    const names = await davNames(app.url, ['Movies', FIGHT_CLUB])
    assert.ok(names.includes(`${FIGHT_CLUB}.de.srt`), names.join(', '))
    assert.ok(names.includes(`${FIGHT_CLUB}.en.srt`), names.join(', '))
    await shot(page, 'movie-subtitles-desktop-light')
    noProblems(w, 'subtitle search and download')

    // the torrent's own subtitle cannot be deleted alone: the server's 409, in words
    await own.getByRole('button', { name: /Delete/ }).click()
    const refused = page.getByRole('alert').filter({ hasText: 'comes with the assigned torrent' })
    await refused.waitFor()
    assert.match(await refused.innerText(), /HTTP 409/)
    assert.match(await refused.innerText(), /goes when the torrent is unassigned/)
    expectProblems(w, 'deleting the torrent\'s subtitle', { status: 409, url: /\/api\/subtitles\/\d+$/ })

    await downloaded.getByRole('button', { name: /Delete/ }).click()
    await page.getByRole('status').filter({ hasText: 'Subtitle deleted' }).waitFor()
    await downloaded.waitFor({ state: 'detached' })
    // the earlier refusal is not left on screen after an action that worked
    await refused.waitFor({ state: 'detached' })
    await waitFor(async () => !(await davNames(app.url, ['Movies', FIGHT_CLUB])).includes(`${FIGHT_CLUB}.de.srt`), 10_000, 'the German subtitle out of the tree')
    noProblems(w, 'subtitle delete')
  })

  await t.test('an OpenSubtitles 429 with Retry-After, in words', async () => {
    // OpenSubtitles' rate limit: the client does not retry it, the API answers 429 with Retry-After
    os.failNext(1, { status: 429, retryAfter: '30', path: /^\/subtitles$/ })
    await subtitles.getByRole('button', { name: 'Search OpenSubtitles' }).click()
    const limited = page.getByRole('alert').filter({ hasText: 'Subtitle search failed' })
    await limited.waitFor()
    const text = await limited.innerText()
    assert.match(text, /HTTP 429/)
    assert.match(text, /try again in 30 s/i)
    await shot(page, 'movie-subtitles-429-desktop-light')
    expectProblems(w, 'the 429', { status: 429, url: /\/api\/movies\/\d+\/subtitles\/search$/ })
  })

  await t.test('episode subtitles, and the torrent page links an episode\'s file to its show', async () => {
    await page.goto(`${app.url}/#/torrents/${packSeed.infoHash}`)
    await page.getByRole('heading', { name: 'Files' }).waitFor()
    await page.getByRole('link', { name: 'assigned to Dark S01E03' }).waitFor()
    await page.getByRole('link', { name: 'assigned to Dark S01E01' }).click()
    await page.getByRole('heading', { name: /^Dark/, level: 1 }).waitFor()
    const panel = page.locator('.episode-panel')
    await panel.locator('.assigned .file', { hasText: 'Dark.S01E01' }).waitFor()
    assert.equal(await page.getByRole('button', { name: /S01E01/ }).getAttribute('aria-expanded'), 'true')
    const epSubs = panel.locator('.subtitles')
    await epSubs.getByRole('listitem').filter({ hasText: 'in the torrent' }).first().waitFor()
    await epSubs.getByRole('button', { name: 'Search OpenSubtitles' }).click()
    const results = epSubs.getByRole('list', { name: 'OpenSubtitles results' })
    await results.getByRole('listitem').filter({ hasText: 'Dark.S01E01.Spanish.WEB' }).getByRole('button', { name: /Download/ }).click()
    await epSubs.getByRole('listitem').filter({ hasText: 'OpenSubtitles: Dark.S01E01.Spanish.WEB' }).waitFor()
    await shot(page, 'show-episode-subtitles-desktop-light')
    noProblems(w, 'episode subtitles')
  })

  await t.test('unassign an episode and a movie: cancel keeps the file, confirm takes it out of WebDAV', async () => {
    const season = ['TV Shows', DARK, 'Season 01']
    const video = (code: string) => (n: string): boolean => n.includes(code) && n.endsWith('.mkv')
    const hasVideo = async (code: string): Promise<boolean> => (await davNames(app.url, season)).some(video(code))
    assert.ok(await hasVideo('S01E01'), 'S01E01 in the tree before')
    const panel = page.locator('.episode-panel')
    await panel.getByRole('button', { name: 'Unassign' }).click()
    const dialog = page.getByRole('dialog', { name: 'Unassign' })
    await dialog.getByText('The file disappears from the WebDAV tree').waitFor()
    await dialog.getByRole('button', { name: 'Unassign' }).click()
    await page.getByRole('status').filter({ hasText: 'Unassigned Dark S01E01' }).waitFor()
    await panel.getByText('No file assigned.').waitFor()
    await page.locator('.episodes li', { hasText: 'S01E01' }).getByText('Missing').waitFor()
    await waitFor(async () => !(await hasVideo('S01E01')), 10_000, 'S01E01 out of the tree')
    assert.ok(await hasVideo('S01E02'), 'the other episodes stay')

    await page.goto(`${app.url}/#/movies/${movieId}`)
    await page.locator('.assigned .file', { hasText: 'Fight.Club.1999.1080p' }).waitFor()
    await page.getByRole('button', { name: 'Unassign' }).click()
    const movieDialog = page.getByRole('dialog', { name: 'Unassign' })
    await movieDialog.waitFor()
    await shot(page, 'movie-unassign-confirm-desktop-light')
    await movieDialog.getByRole('button', { name: 'Cancel' }).click()
    await movieDialog.waitFor({ state: 'hidden' })
    await page.locator('.assigned .file').waitFor()
    assert.ok((await davNames(app.url, ['Movies', FIGHT_CLUB])).includes(`${FIGHT_CLUB}.mkv`), 'cancel keeps the file')

    await page.getByRole('button', { name: 'Unassign' }).click()
    await movieDialog.getByRole('button', { name: 'Unassign' }).click()
    await page.getByText('No file is assigned').waitFor()
    await page.getByRole('status').filter({ hasText: `Unassigned ${FIGHT_CLUB}` }).waitFor()
    await waitFor(async () => !(await davNames(app.url, ['Movies', FIGHT_CLUB])).includes(`${FIGHT_CLUB}.mkv`), 10_000, 'the movie file out of the tree')
    noProblems(w, 'unassign')
  })

  await t.test('delete a movie and a show: cancel (and Escape) keeps them, confirm deletes', async () => {
    await page.getByRole('button', { name: 'Delete movie' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete movie' })
    await dialog.getByText(`Delete ${FIGHT_CLUB} from the library?`).waitFor()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    assert.equal((await api.get(`/api/movies/${movieId}`)).status, 200, 'Escape keeps the movie')
    await page.getByRole('button', { name: 'Delete movie' }).click()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    assert.equal((await api.get(`/api/movies/${movieId}`)).status, 200, 'Cancel keeps the movie')
    await page.getByRole('button', { name: 'Delete movie' }).click()
    await dialog.getByRole('button', { name: 'Delete movie' }).click()
    await page.getByRole('status').filter({ hasText: `Deleted ${FIGHT_CLUB}` }).waitFor()
    await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor()
    await page.getByText('No movies yet.').waitFor()
    assert.equal((await api.get(`/api/movies/${movieId}`)).status, 404)
    await waitFor(async () => !(await davNames(app.url, ['Movies'])).includes(FIGHT_CLUB), 10_000, 'the movie out of the tree')

    await page.goto(`${app.url}/#/shows/${showId}`)
    await page.getByRole('heading', { name: /^Dark/, level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Delete show' }).click()
    const showDialog = page.getByRole('dialog', { name: 'Delete show' })
    await showDialog.getByText(`Delete ${DARK} with all its seasons and episodes`).waitFor()
    await shot(page, 'show-delete-confirm-desktop-light')
    await showDialog.getByRole('button', { name: 'Cancel' }).click()
    await showDialog.waitFor({ state: 'hidden' })
    assert.equal((await api.get(`/api/shows/${showId}`)).status, 200, 'Cancel keeps the show')
    assert.ok((await davNames(app.url, ['TV Shows'])).includes(DARK))
    await page.getByRole('button', { name: 'Delete show' }).click()
    await showDialog.getByRole('button', { name: 'Delete show' }).click()
    await page.getByRole('status').filter({ hasText: `Deleted ${DARK}` }).waitFor()
    await page.getByText('No TV shows yet.').waitFor()
    assert.equal((await api.get(`/api/shows/${showId}`)).status, 404)
    await waitFor(async () => !(await davNames(app.url, ['TV Shows'])).includes(DARK), 10_000, 'the show out of the tree')
    noProblems(w, 'delete')
  })

  noProblems(w, 'the whole run')
})
