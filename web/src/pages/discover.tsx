// Discover and add: TMDB search, trending and popular lists, one click to add; without a TMDB
// key, add by title and year, with the way to set a key.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { post, query } from '../api.ts'
import { Badge, ErrorBox, Loading, Poster, announce } from '../components.tsx'
import { useAction, useApi } from '../hooks.ts'
import { href, replaceParams } from '../router.ts'
import type { DiscoverItem, DiscoverPage as DiscoverAnswer, SearchResult, SearchResults, Status } from '../types.ts'

type Type = 'movie' | 'show'
const collection = (t: Type): string => t === 'movie' ? 'movies' : 'shows'

export function TmdbHint (): JSX.Element {
  return (
    <div class="hint" role="note">
      <p><strong>TMDB is not configured</strong>, so there is no search, no posters and no trending lists. Titles can still be added by name and year below.</p>
      <p>To use TMDB, get a free API key at themoviedb.org (Settings → API), then either set <code>tmdb.api_key</code> in the config file or start momoshtrem with <code>MOMOSHTREM_TMDB_API_KEY=your-key</code>, and restart.</p>
    </div>
  )
}

export function DiscoverPage ({ params }: { params: URLSearchParams }): JSX.Element {
  const status = useApi<Status>('/api/status')
  const type: Type = params.get('type') === 'show' ? 'show' : 'movie'
  const q = params.get('q') ?? ''
  const list = params.get('list') === 'popular' ? 'popular' : 'trending'
  const [text, setText] = useState(q)
  const configured = status.data?.tmdb_configured
  const set = (changes: Record<string, string | undefined>): void => {
    replaceParams('/discover', { type: type === 'movie' ? undefined : type, q: q === '' ? undefined : q, list: list === 'trending' ? undefined : list, ...changes })
  }

  return (
    <section>
      <div class="page-head"><h1>Discover</h1></div>
      <ErrorBox error={status.error} title="Could not read the server status" />
      {configured === false && <TmdbHint />}
      {configured === false && <ManualAdd />}
      {configured === undefined && status.error === undefined && <Loading label="Loading" />}
      {/* without the status (an error above) the lists are still tried: their own errors say more */}
      {(configured === true || status.error !== undefined) && (
        <>
          <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); set({ q: text.trim() === '' ? undefined : text.trim() }) }}>
            <div role="group" aria-label="Type" class="segmented">
              <button type="button" aria-pressed={type === 'movie'} onClick={() => { set({ type: undefined }) }}>Movies</button>
              <button type="button" aria-pressed={type === 'show'} onClick={() => { set({ type: 'show' }) }}>TV shows</button>
            </div>
            <div class="search-box">
              <label>
                <span class="sr-only">Search TMDB</span>
                <input type="search" name="q" placeholder={`Search TMDB for ${type === 'movie' ? 'movies' : 'TV shows'}`} value={text} onInput={(e) => { setText(e.currentTarget.value) }} />
              </label>
              <button type="submit" class="primary">Search</button>
            </div>
          </form>
          {q !== '' ? <SearchResultsView type={type} q={q} /> : <ListView type={type} list={list} onList={(l) => { set({ list: l === 'trending' ? undefined : l }) }} />}
          <details class="manual">
            <summary>Add by title and year instead</summary>
            <ManualAdd />
          </details>
        </>
      )}
    </section>
  )
}

function SearchResultsView ({ type, q }: { type: Type, q: string }): JSX.Element {
  const res = useApi<SearchResults>(`/api/search${query({ type: type === 'movie' ? 'movie' : 'tv', q })}`)
  return (
    <>
      <h2>Results for “{q}”</h2>
      <ErrorBox error={res.error} title="Search failed" />
      {res.data === undefined && res.error === undefined && <Loading label="Searching TMDB" />}
      {res.data !== undefined && res.data.results.length === 0 && <p>Nothing found on TMDB for “{q}”.</p>}
      {res.data !== undefined && <Results type={type} items={res.data.results} />}
    </>
  )
}

function ListView ({ type, list, onList }: { type: Type, list: 'trending' | 'popular', onList: (l: 'trending' | 'popular') => void }): JSX.Element {
  const res = useApi<DiscoverAnswer>(`/api/discover${query({ list, type, page: 1 })}`)
  return (
    <>
      <div class="row">
        <h2 class="grow">{list === 'trending' ? 'Trending this week' : 'Popular'}</h2>
        <div role="group" aria-label="List" class="segmented">
          <button type="button" aria-pressed={list === 'trending'} onClick={() => { onList('trending') }}>Trending</button>
          <button type="button" aria-pressed={list === 'popular'} onClick={() => { onList('popular') }}>Popular</button>
        </div>
      </div>
      <ErrorBox error={res.error} title={`Could not load the ${list} list`} />
      {res.data === undefined && res.error === undefined && <Loading label={`Loading the ${list} list`} />}
      {res.data !== undefined && <Results type={type} items={res.data.items} />}
    </>
  )
}

function Results ({ type, items }: { type: Type, items: Array<SearchResult | DiscoverItem> }): JSX.Element {
  return (
    <ul class="grid results">
      {items.map((r) => <ResultCard key={r.tmdb_id} type={'type' in r ? r.type : type} item={r} />)}
    </ul>
  )
}

function ResultCard ({ type, item }: { type: Type, item: SearchResult }): JSX.Element {
  const [libraryId, setLibraryId] = useState(item.library_id)
  const add = useAction(async () => await post<{ id: number, title: string }>(`/api/${collection(type)}`, { tmdb_id: item.tmdb_id }))
  const onAdd = async (): Promise<void> => {
    const added = await add.run()
    if (added !== undefined) { setLibraryId(added.id); announce(`Added ${added.title} to the library`) }
  }
  return (
    <li class="card">
      <Poster path={item.poster_path} title={item.title} />
      <span class="card-title">{item.title}</span>
      <span class="card-meta"><span>{item.year ?? '—'}</span>{type === 'show' && <Badge>TV</Badge>}</span>
      {item.overview !== null && item.overview !== '' && <p class="overview clamp">{item.overview}</p>}
      {libraryId !== null
        ? <a class="button" href={href(`/${collection(type)}/${libraryId}`)}>In library: open</a>
        : <button type="button" class="primary" disabled={add.busy} onClick={() => { void onAdd() }} aria-label={`Add ${item.title}${item.year === null ? '' : ` (${item.year})`}`}>{add.busy ? 'Adding…' : 'Add'}</button>}
      <ErrorBox error={add.error} title="Could not add" />
    </li>
  )
}

export function ManualAdd (): JSX.Element {
  const [type, setType] = useState<Type>('movie')
  const [title, setTitle] = useState('')
  const [year, setYear] = useState('')
  const [added, setAdded] = useState<{ type: Type, id: number, title: string } | null>(null)
  const add = useAction(async () => await post<{ id: number, title: string }>(`/api/${collection(type)}`, { title: title.trim(), year: year.trim() === '' ? null : Number(year) }))
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    const r = await add.run()
    if (r !== undefined) { setAdded({ type, id: r.id, title: r.title }); setTitle(''); setYear(''); announce(`Added ${r.title}`) }
  }
  return (
    <form class="manual-add" onSubmit={(e) => { void submit(e) }} aria-label="Add by title and year">
      <h2>Add by title and year</h2>
      <div class="toolbar">
        <label><span class="label">Type</span>
          <select value={type} onChange={(e) => { setType(e.currentTarget.value === 'show' ? 'show' : 'movie') }}>
            <option value="movie">Movie</option>
            <option value="show">TV show</option>
          </select>
        </label>
        <label class="grow"><span class="label">Title</span><input required value={title} onInput={(e) => { setTitle(e.currentTarget.value) }} /></label>
        <label><span class="label">Year</span><input class="year" inputMode="numeric" pattern="[0-9]{4}" value={year} onInput={(e) => { setYear(e.currentTarget.value) }} /></label>
        <button type="submit" class="primary" disabled={add.busy}>{add.busy ? 'Adding…' : 'Add'}</button>
      </div>
      <ErrorBox error={add.error} title="Could not add" />
      {added !== null && <p class="ok" role="status">Added <a href={href(`/${collection(added.type)}/${added.id}`)}>{added.title}</a>.</p>}
    </form>
  )
}
