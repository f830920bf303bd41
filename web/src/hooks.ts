// Loading API data into components: one request at a time per hook, the previous one aborted,
// optional polling that pauses while the tab is hidden; errors kept for display.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, get } from './api.ts'

export interface Loaded<T> {
  data: T | undefined
  /** the path `data` is the answer of (with `keep`, an earlier path's while the new one loads) */
  dataPath: string | null
  error: ApiError | undefined
  loading: boolean
  reload: () => void
  /** replaces the data without a request (after a change the answer already carries) */
  set: (data: T) => void
}

export function toApiError (err: unknown): ApiError {
  if (err instanceof ApiError) return err
  return new ApiError(0, 'client', err instanceof Error ? err.message : String(err))
}

/**
 * GET `path` (null: nothing to load); `pollMs`: reload that often while the page is visible;
 * `keep`: a new path keeps the last answer on screen until its own arrives (paging a list
 * without it collapsing to a spinner in between).
 */
export function useApi<T> (path: string | null, pollMs?: number, keep = false): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [dataPath, setDataPath] = useState<string | null>(null)
  const [error, setError] = useState<ApiError | undefined>(undefined)
  const [loading, setLoading] = useState(path !== null)
  const [tick, setTick] = useState(0)
  const lastPath = useRef<string | null>(null)

  useEffect(() => {
    if (path === null) { setLoading(false); return }
    if (lastPath.current !== path) { if (!keep) setData(undefined); lastPath.current = path }
    const ctl = new AbortController()
    setLoading(true)
    get<T>(path, ctl.signal).then((d) => {
      setData(d); setDataPath(path); setError(undefined); setLoading(false)
    }, (err: unknown) => {
      if (ctl.signal.aborted) return
      setError(toApiError(err)); setLoading(false)
    })
    return () => { ctl.abort() }
  }, [path, tick])

  useEffect(() => {
    if (pollMs === undefined || path === null) return
    let timer = 0
    const schedule = (): void => { timer = window.setTimeout(() => { if (!document.hidden) setTick((n) => n + 1); schedule() }, pollMs) }
    schedule()
    return () => { window.clearTimeout(timer) }
  }, [path, pollMs])

  const reload = useCallback(() => { setTick((n) => n + 1) }, [])
  return { data, dataPath, error, loading, reload, set: setData }
}

/** Runs an action (a POST, a DELETE) with busy and error state for its button. */
export function useAction<A extends unknown[], R> (fn: (...args: A) => Promise<R>): {
  run: (...args: A) => Promise<R | undefined>
  busy: boolean
  error: ApiError | undefined
  clear: () => void
} {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | undefined>(undefined)
  const fnRef = useRef(fn)
  fnRef.current = fn
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true); setError(undefined)
    try {
      return await fnRef.current(...args)
    } catch (err) {
      setError(toApiError(err))
      return undefined
    } finally {
      setBusy(false)
    }
  }, [])
  return { run, busy, error, clear: useCallback(() => { setError(undefined) }, []) }
}

/** `value`, settled for `ms` (typing in a filter box). */
export function useDebounced<T> (value: T, ms: number): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = window.setTimeout(() => { setV(value) }, ms)
    return () => { window.clearTimeout(t) }
  }, [value, ms])
  return v
}
