// A movie added by hand (no TMDB) to a running app and assigned to one file of a magnet; its
// WebDAV href as the server lists it (the folder/file naming is the VFS's business).
/** One JSON call of the app's API; throws with the answer on a non-2xx status. */
export async function api (base: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000)
  })
  const json = await res.json() as Record<string, unknown>
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** Adds "`title` (`year`)", assigns `filePath` of `magnet` to it, and returns the file's href under /dav/. */
export async function assignMovieFile (base: string, magnet: string, filePath: string, title: string, year: number): Promise<string> {
  const movie = await api(base, 'POST', '/api/movies', { title, year })
  await api(base, 'POST', `/api/movies/${movie.id as number}/assign`, { magnet_uri: magnet, file_path: filePath })
  const folder = `/dav/Movies/${encodeURIComponent(`${title} (${year})`)}/`
  const listing = await fetch(`${base}${folder}`, { method: 'PROPFIND', headers: { Depth: '1' }, signal: AbortSignal.timeout(10_000) })
  const ext = filePath.slice(filePath.lastIndexOf('.'))
  const href = [...(await listing.text()).matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]!).find((h) => h.endsWith(ext))
  if (href === undefined) throw new Error(`no ${ext} file listed under ${folder}`)
  return href
}
