// A movie: overview, year, state; the assigned file with its torrent's health; releases,
// a pasted magnet with a file picker; subtitles; delete.
import type { JSX } from 'preact'
import { del, imageUrl } from '../api.ts'
import { Badge, ConfirmButton, ErrorBox, Loading, Poster, announce } from '../components.tsx'
import { useAction, useApi } from '../hooks.ts'
import { navigate } from '../router.ts'
import type { Movie } from '../types.ts'
import { AssignedFile, MagnetAssign, Releases, Subtitles, type Target } from './assign.tsx'
import { movieState } from './library.tsx'

export function Backdrop ({ path }: { path: string | null | undefined }): JSX.Element | null {
  const src = imageUrl('w1280', path)
  if (src === null) return null
  return <div class="backdrop" aria-hidden="true"><img src={src} alt="" decoding="async" onError={(e) => { e.currentTarget.parentElement?.remove() }} /></div>
}

export function MoviePage ({ id }: { id: number }): JSX.Element {
  const movie = useApi<Movie>(`/api/movies/${id}`)
  const remove = useAction(async () => { await del(`/api/movies/${id}`); return true })
  const m = movie.data
  if (m === undefined) {
    return <section>{movie.error !== undefined ? <><h1>Movie {id}</h1><ErrorBox error={movie.error} title="Could not load the movie" /><p><a href="#/">Back to the library</a></p></> : <Loading label="Loading the movie" />}</section>
  }
  const target: Target = { type: 'movie', id, label: `${m.title}${m.year === null ? '' : ` (${m.year})`}` }
  const state = movieState(m)
  return (
    <article class="detail">
      <Backdrop path={m.backdrop_path} />
      <div class="detail-head">
        <Poster path={m.poster_path} title={m.title} size="w342" />
        <div class="detail-info">
          <p class="crumbs"><a href="#/">Library</a> › Movies</p>
          <h1>{m.title} {m.year !== null && <span class="year">({m.year})</span>}</h1>
          <p><Badge kind={state.kind}>{state.label}</Badge>{m.tmdb_id !== null ? <span class="muted"> · TMDB {m.tmdb_id}</span> : <span class="muted"> · added by hand</span>}</p>
          {m.overview !== null && m.overview !== '' ? <p class="overview">{m.overview}</p> : <p class="muted">No overview.</p>}
          <div class="row">
            <ConfirmButton label="Delete movie" question={`Delete ${target.label} from the library? Its assignment goes too; the torrent stays loaded.`} busy={remove.busy}
              onConfirm={() => { void remove.run().then((r) => { if (r === true) { announce(`Deleted ${target.label}`); navigate('#/') } }) }} />
          </div>
          <ErrorBox error={remove.error} title="Could not delete" />
        </div>
      </div>

      <section aria-labelledby="file-h" class="panel">
        <h2 id="file-h">File</h2>
        {m.assignment !== null
          ? <AssignedFile target={target} assignment={m.assignment} onChange={movie.reload} />
          : <p>No file is assigned: {target.label} is not in the WebDAV tree yet. Pick a release or paste a magnet.</p>}
      </section>

      <section aria-labelledby="rel-h" class="panel">
        <h2 id="rel-h">Releases</h2>
        <Releases target={target} onAssigned={movie.reload} />
      </section>

      <section aria-labelledby="mag-h" class="panel">
        <h2 id="mag-h">Paste a magnet</h2>
        <MagnetAssign target={target} onAssigned={movie.reload} />
      </section>

      {m.assignment !== null && (
        <section aria-labelledby="sub-h" class="panel">
          <h2 id="sub-h">Subtitles</h2>
          <Subtitles target={target} />
        </section>
      )}
    </article>
  )
}
