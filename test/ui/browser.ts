// A real browser for the UI tests: Debian's chromium driven by playwright-core (no browser
// download ever). Every page records console errors, uncaught exceptions and failed requests
// (no answer, or an HTTP status of 400 and above), so a test can assert there were none.
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TestContext } from 'node:test'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { waitFor } from '../helpers/wait.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SHOTS = fileURLToPath(new URL('../../.ui-shots/', import.meta.url))

/** Why the UI tests cannot run here, or null. */
export function browserMissing (): string | null {
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
  if (!existsSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url)))) return 'the web UI is not built (npm run build:web)'
  return null
}

export async function launch (t: TestContext): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  t.after(async () => { await browser.close() })
  return browser
}

export interface Watched {
  page: Page
  context: BrowserContext
  /** console errors, page errors and failed requests so far */
  problems: string[]
}

export interface ContextOptions {
  width?: number
  height?: number
  scheme?: 'light' | 'dark'
  credentials?: { username: string, password: string }
}

export const DESKTOP = { width: 1280, height: 860 }
export const PHONE = { width: 390, height: 844 }

export async function openPage (browser: Browser, opts: ContextOptions = {}): Promise<Watched> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? DESKTOP.width, height: opts.height ?? DESKTOP.height },
    colorScheme: opts.scheme ?? 'light',
    deviceScaleFactor: 1,
    ...(opts.credentials === undefined ? {} : { httpCredentials: opts.credentials })
  })
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {})
  const page = await context.newPage()
  page.setDefaultTimeout(20_000)
  const problems: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`) })
  page.on('pageerror', (e) => { problems.push(`page error: ${e.message}`) })
  page.on('requestfailed', (r) => {
    // a poll or an image the page itself dropped by moving on is not a failure
    const why = r.failure()?.errorText ?? ''
    if (!why.includes('ERR_ABORTED')) problems.push(`request failed: ${r.method()} ${r.url()} ${why}`)
  })
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`) })
  return { page, context, problems }
}

export async function shot (page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  // from the top: a sticky header would otherwise sit in the middle of a full-page shot
  await page.evaluate('window.scrollTo(0, 0)')
  // the announcer is fixed to the viewport: in a full-page shot it would float over the middle
  // (hidden through the DOM: the page's CSP refuses an injected style sheet)
  const toast = (display: string): string => `document.querySelectorAll('.toast').forEach((e) => { e.style.display = '${display}' })`
  await page.evaluate(toast('none'))
  // a full-page shot is taken with the viewport's size: cards past it would be skipped
  // (content-visibility: auto) and lazy images never requested; both are drawn now, and the
  // shot waits (a bounded while) for the images to arrive
  await page.evaluate(`document.querySelectorAll('.grid > .card').forEach((e) => { e.style.contentVisibility = 'visible' });
    document.querySelectorAll('img[loading=lazy]').forEach((e) => { e.loading = 'eager' })`)
  await waitFor(async () => await page.evaluate('[...document.images].every((i) => i.complete)'), 5000, 'the images').catch(() => {})
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true })
  await page.evaluate(`document.querySelectorAll('.grid > .card').forEach((e) => { e.style.contentVisibility = '' })`)
  await page.evaluate(toast(''))
}
