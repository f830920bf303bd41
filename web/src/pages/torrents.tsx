// Loaded torrents: state, progress, peers and rates, polled every two seconds.
import type { JSX } from 'preact'
import { Badge, Breakable, Empty, ErrorBox, Loading, Progress } from '../components.tsx'
import { useApi } from '../hooks.ts'
import { bytes, percent, rate } from '../format.ts'
import { href } from '../router.ts'
import type { TorrentSummary } from '../types.ts'

export function stateBadge (t: { state: string, seeders: number, peers: number, idle: boolean }): JSX.Element {
  const kind = t.idle ? 'neutral' : t.state === 'error' ? 'bad' : t.peers > 0 ? 'good' : 'warn'
  return <Badge kind={kind}>{t.state}</Badge>
}

export function TorrentsPage (): JSX.Element {
  const list = useApi<{ items: TorrentSummary[], total: number }>('/api/torrents', 2000)
  const items = list.data?.items
  return (
    <section>
      <div class="page-head"><h1>Torrents</h1>{items !== undefined && <span class="muted">{items.length} loaded · updates every 2 s</span>}</div>
      <ErrorBox error={list.error} title="Could not list the torrents" />
      {items === undefined && list.error === undefined && <Loading label="Loading the torrents" />}
      {items !== undefined && items.length === 0 && <Empty><p>No torrent is loaded. Torrents load when a file is assigned or played.</p></Empty>}
      {items !== undefined && items.length > 0 && (
        <div class="table-wrap">
          <table class="torrents">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Cached</th><th scope="col" class="num hide-narrow">Peers</th><th scope="col" class="num hide-narrow">Down</th><th scope="col" class="num hide-narrow">Up</th><th scope="col" class="num hide-narrow">Used by</th></tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.info_hash}>
                  <td class="name">
                    <a href={href(`/torrents/${t.info_hash}`)}><Breakable text={t.name ?? t.info_hash} /></a>
                    <div class="muted small">{bytes(t.cache_bytes)} in the cache</div>
                    {/* phones: the columns hidden there, as one line */}
                    <div class="muted small show-narrow">{t.peers} peer{t.peers === 1 ? '' : 's'} ({t.seeders} seed) · <span class="nowrap">↓ {rate(t.download_rate)}</span> <span class="nowrap">↑ {rate(t.upload_rate)}</span></div>
                  </td>
                  <td>{stateBadge(t)}</td>
                  <td class="progress-cell"><Progress value={t.progress} label={`${t.name ?? t.info_hash}: cached`} /> <span class="small">{percent(t.progress)}</span></td>
                  <td class="num hide-narrow">{t.peers}<span class="muted small"> ({t.seeders} seed)</span></td>
                  <td class="num hide-narrow">{rate(t.download_rate)}</td>
                  <td class="num hide-narrow">{rate(t.upload_rate)}</td>
                  <td class="num hide-narrow">{t.assignments}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
