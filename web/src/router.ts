// Hash routing: #/movies/12?tab=x. The server only ever serves '/' and '/assets/*'.
import { useEffect, useState } from 'preact/hooks'

export interface Route {
  /** path segments: '#/movies/12' -> ['movies', '12']; '#/' -> [] */
  parts: string[]
  params: URLSearchParams
}

export function parseHash (hash: string): Route {
  const raw = hash.replace(/^#/, '')
  const [path = '', search = ''] = raw.split('?', 2)
  return { parts: path.split('/').filter((p) => p !== '').map(decodeURIComponent), params: new URLSearchParams(search) }
}

export function useRoute (): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash))
  useEffect(() => {
    const on = (): void => { setRoute(parseHash(location.hash)) }
    addEventListener('hashchange', on)
    return () => { removeEventListener('hashchange', on) }
  }, [])
  return route
}

/** The hash of a path and its query (values left out when empty). */
export function href (path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return '#' + path + (s === '' ? '' : '?' + s)
}

/** Changes the query of the current page without a new history entry (filters, paging). */
export function replaceParams (path: string, params: Record<string, string | number | undefined | null>): void {
  const next = href(path, params)
  if (next !== location.hash) {
    history.replaceState(null, '', next)
    dispatchEvent(new HashChangeEvent('hashchange'))
  }
}

export function navigate (hash: string): void {
  location.hash = hash
}
