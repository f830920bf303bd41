// One torrent: summary, the piece map (cached, pinned, being fetched, missing) on a canvas,
// peers with their clients and rates, streaming figures per file, files, removal.
import { Fragment, type JSX } from 'preact'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { del, query } from '../api.ts'
import { Badge, Breakable, ConfirmButton, ErrorBox, KindBadge, Loading, Progress, announce } from '../components.tsx'
import { useAction, useApi } from '../hooks.ts'
import { bytes, date, ms, percent, rate } from '../format.ts'
import { href, navigate } from '../router.ts'
import type { Peer, PieceMap as PieceMapData, TorrentDetail } from '../types.ts'
import { kindOf } from './assign.tsx'
import { stateBadge } from './torrents.tsx'

export function TorrentPage ({ hash }: { hash: string }): JSX.Element {
  const detail = useApi<TorrentDetail>(`/api/torrents/${hash}`, 2000)
  const pieces = useApi<PieceMapData>(`/api/torrents/${hash}/pieces`, 1000)
  const [force, setForce] = useState(false)
  const remove = useAction(async () => await del<{ removed: true, deactivated_assignments: number }>(`/api/torrents/${hash}${query({ force: force ? true : undefined })}`))
  const d = detail.data
  if (d === undefined) {
    return <section>{detail.error !== undefined ? <><h1>Torrent</h1><ErrorBox error={detail.error} title="Could not load the torrent" /><p><a href="#/torrents">Back to the torrents</a></p></> : <Loading label="Loading the torrent" />}</section>
  }
  const peers: Peer[] | null = Array.isArray(d.peers) ? d.peers : null
  const peerCount = Array.isArray(d.peers) ? d.peers.length : d.peers
  return (
    <article>
      <p class="crumbs"><a href="#/torrents">Torrents</a> › {d.info_hash}</p>
      <h1 class="wrap"><Breakable text={d.name ?? d.info_hash} /></h1>
      <dl class="facts">
        <div><dt>State</dt><dd>{stateBadge({ ...d, peers: peerCount })}</dd></div>
        <div><dt>Size</dt><dd>{bytes(d.length)} · {d.piece_count} pieces of {bytes(d.piece_length)}</dd></div>
        <div><dt>Cached</dt><dd><Progress value={d.progress} label="Cached" /> {percent(d.progress)} · {bytes(d.cache_bytes)}</dd></div>
        <div><dt>Peers</dt><dd>{peerCount} connected ({d.seeders} seeding) · {d.known_peers} known</dd></div>
        <div><dt>Rates</dt><dd>↓ {rate(d.download_rate)} · ↑ {rate(d.upload_rate)}</dd></div>
        <div><dt>Transferred</dt><dd>↓ {bytes(d.downloaded)} ({bytes(d.wasted)} wasted) · ↑ {bytes(d.uploaded)}</dd></div>
        <div><dt>Added</dt><dd>{date(d.added_at)}</dd></div>
        <div><dt>Last read</dt><dd>{date(d.last_activity)}</dd></div>
      </dl>
      <ErrorBox error={detail.error} title="Could not refresh the torrent" />

      <section class="panel" aria-labelledby="pieces-h">
        <h2 id="pieces-h">Pieces</h2>
        <ErrorBox error={pieces.error} title="Could not read the piece map" />
        {pieces.data !== undefined ? <PieceMap data={pieces.data} /> : pieces.error === undefined && <Loading label="Loading the piece map" />}
      </section>

      <section class="panel" aria-labelledby="peers-h">
        <h2 id="peers-h">Peers</h2>
        {peers === null && <p class="muted">{peerCount} connected. This server does not list them one by one.</p>}
        {peers !== null && peers.length === 0 && <p>No peer is connected{d.idle ? ': the torrent is idle until a file is read' : ''}.</p>}
        {peers !== null && peers.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Address</th><th scope="col">Client</th><th scope="col" class="num">Down</th><th scope="col" class="num">Up</th><th scope="col">Has</th></tr></thead>
              <tbody>
                {peers.map((p) => (
                  <tr key={p.address}><td><code class="nowrap">{p.address}</code></td><td>{p.client ?? <span class="muted">unknown</span>}</td><td class="num">{rate(p.download_rate)}</td><td class="num">{rate(p.upload_rate)}</td><td>{p.seeder ? <Badge kind="good">everything</Badge> : <Badge>some pieces</Badge>}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="panel" aria-labelledby="stream-h">
        <h2 id="stream-h">Streaming</h2>
        {d.streaming === undefined || d.streaming.files.length === 0
          ? <p class="muted">No file of this torrent was opened since the server started.</p>
          : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">File</th><th scope="col" class="num">Opens</th><th scope="col" class="num hide-narrow">Reads</th><th scope="col" class="num">Read</th><th scope="col" class="num">p50</th><th scope="col" class="num">p99</th><th scope="col" class="num">Stalls</th><th scope="col" class="num hide-narrow">Errors</th><th scope="col" class="num hide-narrow">Pinned</th></tr></thead>
                <tbody>
                  {d.streaming.files.map((f) => (
                    <tr key={f.file_index}>
                      <td class="name"><Breakable text={inTorrent(d.name, d.files[f.file_index]?.path ?? `file ${f.file_index}`)} />{f.layout !== null && <span class="muted small"> · {f.layout.format === 'unknown' ? 'container not recognised' : f.layout.format}</span>}</td>
                      <td class="num">{f.opens}{f.reopens > 0 && <span class="muted small"> +{f.reopens}</span>}</td>
                      <td class="num hide-narrow">{f.reads}</td>
                      <td class="num">{bytes(f.bytes)}</td>
                      <td class="num">{ms(f.p50_ms)}</td>
                      <td class="num">{ms(f.p99_ms)}</td>
                      <td class="num">{f.stalls > 0 ? <Badge kind="warn">{f.stalls}</Badge> : 0}</td>
                      <td class="num hide-narrow">{f.errors > 0 ? <Badge kind="bad">{f.errors}</Badge> : 0}</td>
                      <td class="num hide-narrow">{bytes(f.pinned_bytes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            )}
        {d.streaming !== undefined && d.streaming.recent_stalls.length > 0 && (
          <details><summary>{d.streaming.recent_stalls.length} recent stalls</summary>
            <ul class="plain">{d.streaming.recent_stalls.map((s, i) => <li key={i}>{date(s.at)}: piece {s.piece_index} of file {s.file_index}, waited {ms(s.waited_ms)} with {s.peers} peers</li>)}</ul>
          </details>
        )}
      </section>

      <section class="panel" aria-labelledby="files-h">
        <h2 id="files-h">Files</h2>
        <ul class="plain files-list">
          {d.files.map((f) => {
            // a multi-episode file has one user per episode
            const users = d.used_by.filter((u) => u.file_path === f.path)
            return (
              <li key={f.index}>
                <code title={f.path}><Breakable text={inTorrent(d.name, f.path)} /></code> <span class="muted nowrap">{bytes(f.size)}</span> <KindBadge kind={kindOf(f)} />
                {users.map((u) => <Fragment key={`${u.item_type}-${u.item_id}`}> <UsedBy user={u} /></Fragment>)}
              </li>
            )
          })}
        </ul>
      </section>

      <section class="panel" aria-labelledby="remove-h">
        <h2 id="remove-h">Remove</h2>
        <p class="muted">{d.assignments > 0 ? `${d.assignments} library item${d.assignments === 1 ? ' uses' : 's use'} this torrent.` : 'No library item uses this torrent.'}</p>
        <ConfirmButton label="Remove torrent" busy={remove.busy} question="Remove this torrent and its cached pieces?"
          onConfirm={() => { void remove.run().then((r) => { if (r !== undefined) { announce(`Removed the torrent${r.deactivated_assignments > 0 ? `; ${r.deactivated_assignments} assignments ended` : ''}`); navigate('#/torrents') } }) }}>
          {d.assignments > 0 && <label class="check"><input type="checkbox" checked={force} onChange={(e) => { setForce(e.currentTarget.checked) }} /> Also end the {d.assignments} assignment{d.assignments === 1 ? '' : 's'} (their files leave the WebDAV tree)</label>}
        </ConfirmButton>
        <ErrorBox error={remove.error} title="Could not remove" />
      </section>
    </article>
  )
}

/** A file's path without the torrent's own folder (every path of a multi-file torrent has it). */
function inTorrent (name: string | null, path: string): string {
  return name !== null && path.startsWith(name + '/') ? path.slice(name.length + 1) : path
}

/** The item a file is assigned to, as a link to its page (an episode: its show, opened at it). */
function UsedBy ({ user }: { user: TorrentDetail['used_by'][number] }): JSX.Element {
  if (user.item_type === 'movie') {
    return <a href={href(`/movies/${user.item_id}`)} class="badge good">{user.title === undefined ? 'assigned to a movie' : `assigned to ${user.title}`}</a>
  }
  if (user.show_id !== undefined) {
    return <a href={href(`/shows/${user.show_id}`, { season: user.season, episode: user.item_id })} class="badge good">{user.title === undefined ? 'assigned to an episode' : `assigned to ${user.title}`}</a>
  }
  return <Badge kind="good">assigned to an episode</Badge>
}

const STATES = [
  { code: '0', name: 'missing', color: '--piece-missing' },
  { code: '1', name: 'cached', color: '--piece-cached' },
  { code: '2', name: 'pinned', color: '--piece-pinned' },
  { code: '3', name: 'being fetched', color: '--piece-fetching' }
] as const
// when a cell stands for several pieces, the most telling state wins
const RANK: Record<string, number> = { 0: 0, 1: 1, 2: 2, 3: 3 }

/** The piece map on a canvas: one cell per piece, or per run of pieces when there are many. */
export function PieceMap ({ data }: { data: PieceMapData }): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null)
  const [width, setWidth] = useState(0)
  const counts = useMemo(() => {
    const c: Record<string, number> = { 0: 0, 1: 0, 2: 0, 3: 0 }
    for (let i = 0; i < data.map.length; i++) { const ch = data.map[i]!; c[ch] = (c[ch] ?? 0) + 1 }
    return c
  }, [data.map])

  useEffect(() => {
    const el = canvas.current
    if (el === null) return
    const ro = new ResizeObserver((entries) => { setWidth(Math.floor(entries[0]?.contentRect.width ?? 0)) })
    ro.observe(el)
    return () => { ro.disconnect() }
  }, [])

  useEffect(() => {
    const el = canvas.current
    if (el === null || width === 0) return
    const n = data.map.length
    const style = getComputedStyle(el)
    const colors = Object.fromEntries(STATES.map((s) => [s.code, style.getPropertyValue(s.color).trim() || '#888']))
    // cells of 4 to 14 px, at most about 200 px high; past that, each cell sums several pieces
    const maxHeight = 200
    let cell = Math.floor(Math.sqrt((width * maxHeight) / Math.max(1, n)))
    cell = Math.max(4, Math.min(14, cell))
    const cols = Math.max(1, Math.floor(width / cell))
    const maxCells = cols * Math.floor(maxHeight / cell)
    const per = Math.max(1, Math.ceil(n / maxCells))
    const cells = Math.ceil(n / per)
    const rows = Math.ceil(cells / cols)
    const dpr = window.devicePixelRatio || 1
    el.width = Math.round(width * dpr)
    el.height = Math.round(rows * cell * dpr)
    el.style.height = `${rows * cell}px`
    const ctx = el.getContext('2d')
    if (ctx === null) return
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.clearRect(0, 0, width, rows * cell)
    const gap = cell >= 6 ? 1 : 0
    for (let c = 0; c < cells; c++) {
      let best = '0'
      for (let i = c * per; i < Math.min(n, (c + 1) * per); i++) {
        const ch = data.map[i]!
        if ((RANK[ch] ?? 0) > (RANK[best] ?? 0)) best = ch
      }
      ctx.fillStyle = colors[best] ?? '#888'
      ctx.fillRect((c % cols) * cell, Math.floor(c / cols) * cell, cell - gap, cell - gap)
    }
    el.dataset.cells = String(cells)
    el.dataset.perCell = String(per)
  }, [data.map, width])

  const summary = STATES.map((s) => `${counts[s.code] ?? 0} ${s.name}`).join(', ')
  return (
    <figure class="piece-map">
      <canvas ref={canvas} role="img" aria-label={`Piece map of ${data.piece_count} pieces: ${summary}`} data-map={data.map.length < 5000 ? data.map : undefined} />
      <figcaption>
        <ul class="legend">
          {STATES.map((s) => <li key={s.code}><span class={`swatch s${s.code}`} aria-hidden="true" />{s.name}: {counts[s.code] ?? 0}</li>)}
        </ul>
        <span class="muted small">{data.piece_count} pieces of {bytes(data.piece_length)}</span>
      </figcaption>
    </figure>
  )
}
