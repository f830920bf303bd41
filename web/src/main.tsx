// The web UI: a header with the sections, the page of the current hash route, and the
// announcer. Pages: #/ library, #/discover, #/movies/ID, #/shows/ID, #/torrents,
// #/torrents/HASH, #/status.
import { render, type JSX } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import './styles.css'
import { useRoute, type Route } from './router.ts'
import { Announcer } from './components.tsx'
import { LibraryPage } from './pages/library.tsx'
import { DiscoverPage } from './pages/discover.tsx'
import { MoviePage } from './pages/movie.tsx'
import { ShowPage } from './pages/show.tsx'
import { TorrentsPage } from './pages/torrents.tsx'
import { TorrentPage } from './pages/torrent.tsx'
import { StatusPage } from './pages/status.tsx'

const SECTIONS = [
  { hash: '#/', label: 'Library', match: (p: string[]) => p.length === 0 || p[0] === 'movies' || p[0] === 'shows' },
  { hash: '#/discover', label: 'Discover', match: (p: string[]) => p[0] === 'discover' },
  { hash: '#/torrents', label: 'Torrents', match: (p: string[]) => p[0] === 'torrents' },
  { hash: '#/status', label: 'Status', match: (p: string[]) => p[0] === 'status' }
]

function page (route: Route): { title: string, node: JSX.Element } {
  const [section, id] = route.parts
  const numeric = id !== undefined && /^[1-9]\d*$/.test(id) ? Number(id) : null
  switch (section) {
    case undefined: return { title: 'Library', node: <LibraryPage params={route.params} /> }
    case 'discover': return { title: 'Discover', node: <DiscoverPage params={route.params} /> }
    case 'movies': if (numeric !== null) return { title: 'Movie', node: <MoviePage key={numeric} id={numeric} /> }; break
    case 'shows': if (numeric !== null) return { title: 'Show', node: <ShowPage key={numeric} id={numeric} params={route.params} /> }; break
    case 'torrents':
      if (id === undefined) return { title: 'Torrents', node: <TorrentsPage /> }
      if (/^[0-9a-fA-F]{40}$/.test(id)) return { title: 'Torrent', node: <TorrentPage key={id} hash={id.toLowerCase()} /> }
      break
    case 'status': return { title: 'Status', node: <StatusPage /> }
  }
  return { title: 'Not found', node: <section><h1>Not found</h1><p>No page at <code>{location.hash}</code>. <a href="#/">Back to the library</a>.</p></section> }
}

function App (): JSX.Element {
  const route = useRoute()
  const { title, node } = page(route)
  const main = useRef<HTMLElement>(null)
  const path = route.parts.join('/')
  useEffect(() => {
    document.title = `${title} · momoshtrem`
  }, [title])
  // a new page (not a new filter on the same page) moves focus to its content, as a page load would
  const first = useRef(true)
  useEffect(() => {
    if (first.current) { first.current = false; return }
    main.current?.focus({ preventScroll: true })
    window.scrollTo(0, 0)
  }, [path])
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus() }}>Skip to content</a>
      <header class="top">
        <a class="brand" href="#/">momoshtrem</a>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.hash}><a href={s.hash} aria-current={s.match(route.parts) ? 'page' : undefined}>{s.label}</a></li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>{node}</main>
      <Announcer />
    </>
  )
}

performance.mark('app-start')
render(<App />, document.getElementById('app')!)
