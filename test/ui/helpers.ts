// What the UI tests share besides the browser (browser.ts): the app's credentials, an API
// client and WebDAV listings with them, and the "no console error, no failed request" check.
import assert from 'node:assert/strict'
import { apiClient } from '../helpers/api-client.ts'
import { dav } from '../helpers/dav.ts'
import type { Watched } from './browser.ts'

export const AUTH = { username: 'momo', password: 'ui-test: secret' }
export const authHeader = { authorization: 'Basic ' + Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64') }

/** The REST API with the test's credentials (setting up what a test does not drive through the UI). */
export const authedApi = (url: string): ReturnType<typeof apiClient> => apiClient(url, AUTH)

export function noProblems (w: Watched, where: string): void {
  assert.deepEqual(w.problems, [], `${where}: console errors or failed requests`)
}

/**
 * The failed requests a test caused on purpose (an API error it wants shown in words) are
 * taken out of `w.problems`: the response's and chromium's console line ("Failed to load
 * resource: ... status of 409") of each expected status and URL; each must have happened,
 * and anything else is a failure.
 */
export function expectProblems (w: Watched, where: string, ...expected: Array<{ status: number, url: RegExp }>): void {
  const matches = (p: string, e: { status: number, url: RegExp }): boolean => {
    const m = /^HTTP (\d+): \S+ (\S+)$/.exec(p) ?? /^console: Failed to load resource: the server responded with a status of (\d+) .*\((\S+)\)$/.exec(p)
    return m !== null && Number(m[1]) === e.status && e.url.test(m[2]!)
  }
  for (const e of expected) assert.ok(w.problems.some((p) => matches(p, e)), `${where}: expected HTTP ${e.status} from ${String(e.url)}, got ${JSON.stringify(w.problems)}`)
  const rest = w.problems.filter((p) => !expected.some((e) => matches(p, e)))
  w.problems.length = 0
  assert.deepEqual(rest, [], `${where}: console errors or failed requests`)
}

/** The names (decoded hrefs) in a WebDAV folder, Depth 1, with the test's credentials. */
export async function davNames (appUrl: string, folder: string[]): Promise<string[]> {
  const path = folder.map(encodeURIComponent).join('/')
  const res = await dav(`${appUrl}/dav/${path}${path === '' ? '' : '/'}`, 'PROPFIND', { Depth: '1', ...authHeader })
  if (res.status === 404) return []
  assert.equal(res.status, 207, res.text)
  return [...res.text.matchAll(/<(?:\w+:)?href>([^<]*)<\/(?:\w+:)?href>/g)].map((m) => decodeURIComponent(m[1]!).replace(/\/$/, '').split('/').pop()!)
}
