// The library: movies or shows as a poster grid or a compact list, filtered by title and
// state, sorted, one page at a time (the API pages; 10,000 titles cost what 60 do). The
// filters live in the hash, so back, reload and links keep them.
import type { JSX } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { query } from '../api.ts'
import { Badge, Empty, ErrorBox, Loading, Poster } from '../components.tsx'
import { useApi, useDebounced } from '../hooks.ts'
import { href, replaceParams } from '../router.ts'
import type { Movie, Page, Show } from '../types.ts'
import { date } from '../format.ts'

const PAGE_SIZE = 60
type Kind = 'movies' | 'shows'
type Item = Movie | Show

export function movieState (m: Movie): { kind: 'good' | 'warn', label: string } {
  const assigned = m.assigned ?? m.assignment !== null
  return assigned ? { kind: 'good', label: 'Playable' } : { kind: 'warn', label: 'Not assigned' }
}

export function showState (s: Show): { kind: 'good' | 'warn' | 'bad' | 'neutral', label: string } {
  const total = s.episodes_total ?? s.episode_count
  if (s.episodes_assigned === undefined) return { kind: 'neutral', label: `${total} episode${total === 1 ? '' : 's'}` }
  if (total === 0) return { kind: 'neutral', label: 'No episodes' }
  if (s.episodes_assigned === 0) return { kind: 'warn', label: 'Not assigned' }
  if (s.episodes_assigned >= total) return { kind: 'good', label: 'All episodes' }
  return { kind: 'bad', label: `${s.episodes_assigned} of ${total} episodes` }
}

function stateOf (kind: Kind, item: Item): { kind: 'good' | 'warn' | 'bad' | 'neutral', label: string } {
  return kind === 'movies' ? movieState(item as Movie) : showState(item as Show)
}

export function LibraryPage ({ params }: { params: URLSearchParams }): JSX.Element {
  const kind: Kind = params.get('kind') === 'shows' ? 'shows' : 'movies'
  const view = params.get('view') === 'list' ? 'list' : 'grid'
  const state = params.get('state') ?? ''
  const sort = params.get('sort') ?? 'title'
  const order = params.get('order') ?? (sort === 'title' ? 'asc' : 'desc')
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1)
  const [text, setText] = useState(params.get('q') ?? '')
  const q = useDebounced(text.trim(), 250)

  const current = { kind, view, state, sort, order: order === (sort === 'title' ? 'asc' : 'desc') ? undefined : order, q: params.get('q') ?? '', page }
  const set = (changes: Partial<Record<keyof typeof current, string | number | undefined>>, keepPage = false): void => {
    const next = { ...current, ...(keepPage ? {} : { page: undefined }), ...changes }
    replaceParams('/', {
      kind: next.kind === 'movies' ? undefined : next.kind,
      view: next.view === 'grid' ? undefined : next.view,
      state: next.state,
      sort: next.sort === 'title' ? undefined : next.sort,
      order: next.order,
      q: next.q,
      page: next.page === 1 ? undefined : next.page
    })
  }
  useEffect(() => { if (q !== (params.get('q') ?? '')) set({ q }) }, [q])
  useEffect(() => { setText(params.get('q') ?? '') }, [kind])

  // default order (title, ascending, everything) sends no parameter: any server answers it
  const path = `/api/${kind}` + query({
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    q: params.get('q') ?? undefined,
    sort: sort === 'title' && order === 'asc' ? undefined : sort,
    order: sort === 'title' && order === 'asc' ? undefined : order,
    state: state === '' ? undefined : state
  })
  // the last page stays on screen while the next one loads: no collapse, no jump
  const list = useApi<Page<Item>>(path, undefined, true)
  const data = list.data
  // the answer of an earlier page or filter, on screen while this one loads
  const stale = data !== undefined && list.dataPath !== path && (list.loading || list.error === undefined)
  // ... and its titles link to the kind they are (movies while the shows load)
  const shownKind: Kind = list.dataPath?.startsWith('/api/shows') === true ? 'shows' : 'movies'
  // paging from the bottom pager scrolls up and puts the focus on the same button of the top one,
  // in the same commit as the new titles (a plain effect runs a frame later, and a keypress in
  // that frame would land on the bottom pager's button)
  const focusAfter = useRef<string | null>(null)
  useLayoutEffect(() => {
    const key = focusAfter.current
    if (key === null || stale) return
    focusAfter.current = null
    const top = document.querySelector<HTMLElement>('.pager.top')
    const button = top?.querySelector<HTMLButtonElement>(`[data-key="${key}"]:not([disabled])`) ?? top?.querySelector<HTMLButtonElement>('[aria-current="page"]')
    button?.focus({ preventScroll: true })
  }, [stale, page])
  const goPage = (p: number, key: string, from: 'top' | 'bottom'): void => {
    set({ page: p }, true)
    if (from === 'bottom') { focusAfter.current = key; window.scrollTo(0, 0) }
  }
  const pages = data === undefined ? 1 : Math.max(1, Math.ceil(data.total / PAGE_SIZE))

  useEffect(() => {
    if (data !== undefined) performance.mark('library-rendered')
  }, [data])

  const filtered = (params.get('q') ?? '') !== '' || state !== ''
  return (
    <section class="library">
      <div class="page-head">
        <h1>Library</h1>
        <div role="group" aria-label="Kind" class="segmented">
          <button type="button" aria-pressed={kind === 'movies'} onClick={() => { set({ kind: 'movies', state: '', q: '' }) }}>Movies</button>
          <button type="button" aria-pressed={kind === 'shows'} onClick={() => { set({ kind: 'shows', state: '', q: '' }) }}>TV shows</button>
        </div>
      </div>
      <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); set({ q: text.trim() }) }}>
        <label class="grow">
          <span class="sr-only">Filter by title</span>
          <input type="search" placeholder={`Filter ${kind === 'movies' ? 'movies' : 'shows'} by title`} value={text} onInput={(e) => { setText(e.currentTarget.value) }} />
        </label>
        <label>
          <span class="label">Show</span>
          <select name="state" value={state} onChange={(e) => { set({ state: e.currentTarget.value }) }}>
            <option value="">Everything</option>
            <option value="playable">Playable</option>
            <option value="unassigned">Not assigned</option>
            {kind === 'shows' && <option value="missing">Missing episodes</option>}
          </select>
        </label>
        <label>
          <span class="label">Sort by</span>
          <select name="sort" value={sort} onChange={(e) => { set({ sort: e.currentTarget.value, order: undefined }) }}>
            <option value="title">Title</option>
            <option value="year">Year</option>
            <option value="added">Added</option>
          </select>
        </label>
        <button type="button" class="icon" aria-label={order === 'asc' ? 'Ascending; switch to descending' : 'Descending; switch to ascending'} title={order === 'asc' ? 'Ascending' : 'Descending'}
          onClick={() => { set({ order: order === 'asc' ? 'desc' : 'asc' }) }}>{order === 'asc' ? '↑' : '↓'}</button>
        <div role="group" aria-label="View" class="segmented">
          <button type="button" aria-pressed={view === 'grid'} onClick={() => { set({ view: 'grid' }, true) }}>Grid</button>
          <button type="button" aria-pressed={view === 'list'} onClick={() => { set({ view: 'list' }, true) }}>List</button>
        </div>
      </form>

      <ErrorBox error={list.error} title={`Could not load the ${kind === 'movies' ? 'movies' : 'shows'}`} />
      {data === undefined && list.error === undefined && <Loading label={`Loading ${kind === 'movies' ? 'movies' : 'shows'}`} />}
      {data !== undefined && (
        <>
          <div class="count-row">
            <p class="muted count" aria-live="polite">
              {data.total === 0 ? 'Nothing' : `${data.total.toLocaleString()} ${kind === 'movies' ? (data.total === 1 ? 'movie' : 'movies') : (data.total === 1 ? 'show' : 'shows')}`}
              {filtered ? (data.total <= 1 ? ' matches the filter' : ' match the filter') : ' in the library'}{pages > 1 ? ` · page ${page} of ${pages}` : ''}
            </p>
            {pages > 1 && <Pager where="top" page={page} pages={pages} onPage={(p, key) => { goPage(p, key, 'top') }} />}
          </div>
          {data.items.length === 0 && !filtered && (
            <Empty>
              <p>No {kind === 'movies' ? 'movies' : 'TV shows'} yet.</p>
              <ol class="steps">
                <li><strong>Add</strong> a movie or a show from <a href={kind === 'movies' ? '#/discover' : '#/discover?type=show'}>Discover</a>.</li>
                <li><strong>Assign</strong> it a file on its page: a release from the indexers, or a pasted magnet.</li>
                <li><strong>Play</strong> it from the WebDAV share: the address and each player's setup are on the <a href="#/status">Status</a> page.</li>
              </ol>
              <p><a class="button primary" href={kind === 'movies' ? '#/discover' : '#/discover?type=show'}>Find something to add</a></p>
            </Empty>
          )}
          <div class={stale ? 'library-results stale' : 'library-results'} aria-busy={stale}>
            {view === 'grid'
              ? <Grid kind={shownKind} items={data.items} />
              : <List kind={shownKind} items={data.items} />}
          </div>
          {pages > 1 && <Pager where="bottom" page={page} pages={pages} onPage={(p, key) => { goPage(p, key, 'bottom') }} />}
        </>
      )}
    </section>
  )
}

function Grid ({ kind, items }: { kind: Kind, items: Item[] }): JSX.Element {
  return (
    <ul class="grid" aria-label={kind === 'movies' ? 'Movies' : 'TV shows'}>
      {items.map((item) => {
        const s = stateOf(kind, item)
        return (
          <li key={item.id} class="card">
            <a href={href(`/${kind}/${item.id}`)}>
              <Poster path={item.poster_path} title={item.title} size="w342" />
              <span class="card-title">{item.title}</span>
            </a>
            <span class="card-meta"><span>{item.year ?? '—'}</span><Badge kind={s.kind}>{s.label}</Badge></span>
          </li>
        )
      })}
    </ul>
  )
}

function List ({ kind, items }: { kind: Kind, items: Item[] }): JSX.Element {
  return (
    <table class="list">
      <thead><tr><th scope="col"><span class="sr-only">Poster</span></th><th scope="col">Title</th><th scope="col">Year</th><th scope="col">State</th><th scope="col" class="hide-narrow">Added</th></tr></thead>
      <tbody>
        {items.map((item) => {
          const s = stateOf(kind, item)
          return (
            <tr key={item.id}>
              <td class="thumb"><Poster path={item.poster_path} title={item.title} size="w92" class="poster small" /></td>
              <td><a href={href(`/${kind}/${item.id}`)}>{item.title}</a></td>
              <td>{item.year ?? '—'}</td>
              <td><Badge kind={s.kind}>{s.label}</Badge></td>
              <td class="hide-narrow muted">{date(item.created_at)}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/** Previous, the first, last and nearby pages, Next; `key` names the button for the focus. */
function Pager ({ where, page, pages, onPage }: { where: 'top' | 'bottom', page: number, pages: number, onPage: (p: number, key: string) => void }): JSX.Element {
  const around = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b)
  return (
    <nav class={`pager ${where}`} aria-label={where === 'top' ? 'Pages' : 'Pages, at the end of the list'}>
      <button type="button" data-key="prev" disabled={page <= 1} onClick={() => { onPage(page - 1, 'prev') }}>Previous</button>
      {around.map((p, i) => (
        <span key={p}>
          {i > 0 && p - around[i - 1]! > 1 && <span class="muted" aria-hidden="true">… </span>}
          <button type="button" data-key={`page-${p}`} aria-current={p === page ? 'page' : undefined} aria-label={`Page ${p}`} onClick={() => { onPage(p, `page-${p}`) }}>{p}</button>
        </span>
      ))}
      <button type="button" data-key="next" disabled={page >= pages} onClick={() => { onPage(page + 1, 'next') }}>Next</button>
    </nav>
  )
}
