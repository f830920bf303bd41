// Assigning a torrent file to a movie or an episode: the assigned file with its torrent's
// health, releases from the indexers (one click, live swarm health), a pasted magnet with a
// file picker, subtitles, unassign. Shared by the movie page and each episode of a show.
import type { JSX } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { ApiError, del, get, post, query } from '../api.ts'
import { Badge, ConfirmButton, ErrorBox, KindBadge, Loading, announce } from '../components.tsx'
import { toApiError, useAction, useApi } from '../hooks.ts'
import { bytes, date, percent, qualityOf, rate } from '../format.ts'
import { href } from '../router.ts'
import type { Assignment, FileKind, TorrentDetail, Health, ItemAssignment, Release, ReleaseAnswer, Status, Subtitle, SubtitleSearch, TorrentFile, TorrentMeta, TorrentSummary } from '../types.ts'

export interface Target { type: 'movie' | 'episode', id: number, label: string }
const base = (t: Target): string => `/api/${t.type === 'movie' ? 'movies' : 'episodes'}/${t.id}`

const VIDEO = /\.(mkv|mp4|m4v|avi|mov|wmv|ts|m2ts|mts|webm|mpg|mpeg|flv|ogv|vob|divx|iso)$/i
const SUBTITLE = /\.(srt|ass|ssa|sub|idx|vtt|sup|smi)$/i
const SAMPLE = /(^|[\s._\-[(/])(sample|trailer|teaser)([\s._\-\])/]|$)/i
/** The server's kind when it sends one, else the same guess from the name. */
export function kindOf (f: { path: string, kind?: FileKind }): FileKind {
  if (f.kind !== undefined) return f.kind
  if (VIDEO.test(f.path)) return SAMPLE.test(f.path) ? 'sample' : 'video'
  return SUBTITLE.test(f.path) ? 'subtitle' : 'other'
}

/** The quality words in a file name (for an assignment without stored ones). */
function qualityFromName (path: string): string[] {
  const words = []
  const res = /(2160p|1080p|720p|576p|480p|4k)/i.exec(path)
  if (res !== null) words.push(res[1]!.toLowerCase())
  const src = /(blu-?ray|web-?dl|webrip|hdtv|dvdrip|remux)/i.exec(path)
  if (src !== null) words.push(src[1]!)
  return words
}

// ---- the assigned file and its torrent ----

export function AssignedFile ({ target, assignment, onChange }: { target: Target, assignment: ItemAssignment, onChange: () => void }): JSX.Element {
  const torrent = useApi<TorrentDetail>(`/api/torrents/${assignment.info_hash}`, 5000)
  const [removeTorrent, setRemoveTorrent] = useState(false)
  const unassign = useAction(async () => await del<{ assignment: Assignment, torrent_removed: boolean }>(`${base(target)}/assign${query({ remove_torrent: removeTorrent ? true : undefined })}`))
  const quality = [assignment.resolution, assignment.source].filter((x): x is string => x !== null)
  const words = quality.length > 0 ? quality : qualityFromName(assignment.file_path)
  const notLoaded = torrent.error?.status === 404
  const t = torrent.data
  return (
    <div class="assigned">
      <p class="file"><code>{assignment.file_path}</code></p>
      <dl class="facts">
        <div><dt>Size</dt><dd>{bytes(assignment.file_size)}</dd></div>
        <div><dt>Quality</dt><dd>{words.length === 0 ? 'unknown' : words.map((w) => <Badge key={w} kind="info">{w}</Badge>)}</dd></div>
        <div><dt>Assigned</dt><dd>{date(assignment.created_at)}</dd></div>
        <div><dt>Torrent</dt><dd>
          {t !== undefined && <a href={href(`/torrents/${assignment.info_hash}`)}>{t.name ?? assignment.info_hash}</a>}
          {t === undefined && notLoaded && <span>not loaded (it loads when the file is played)</span>}
          {t === undefined && !notLoaded && torrent.error === undefined && <span class="muted">…</span>}
        </dd></div>
        {t !== undefined && <div class="wide"><dt>Health</dt><dd><TorrentHealthLine t={t} /></dd></div>}
      </dl>
      {!notLoaded && <ErrorBox error={torrent.error} title="Could not read the torrent" />}
      <p class="muted">Play it from the WebDAV share: the address and each player's setup are on the <a href="#/status">Status</a> page.</p>
      <div class="row">
        <ConfirmButton label="Unassign" question={`Unassign this file from ${target.label}? The file disappears from the WebDAV tree.`} busy={unassign.busy}
          onConfirm={() => { void unassign.run().then((r) => { if (r !== undefined) { announce(`Unassigned ${target.label}${r.torrent_removed ? '; the torrent was removed' : ''}`); onChange() } }) }}>
          <label class="check"><input type="checkbox" checked={removeTorrent} onChange={(e) => { setRemoveTorrent(e.currentTarget.checked) }} /> Also remove the torrent and its cached data (when nothing else uses it)</label>
        </ConfirmButton>
      </div>
      <ErrorBox error={unassign.error} title="Could not unassign" />
    </div>
  )
}

export function TorrentHealthLine ({ t: detail }: { t: TorrentSummary | TorrentDetail }): JSX.Element {
  // the detail lists the connected peers where the list counts them
  const t = { ...detail, peers: Array.isArray(detail.peers) ? detail.peers.length : detail.peers }
  const kind = t.seeders > 0 ? 'good' : t.peers > 0 ? 'warn' : t.idle ? 'neutral' : 'bad'
  return (
    <span>
      <Badge kind={kind}>{t.state}</Badge>{' '}
      {t.peers} peer{t.peers === 1 ? '' : 's'} ({t.seeders} seeding) · {percent(t.progress)} cached · <span class="nowrap">↓ {rate(t.download_rate)}</span> <span class="nowrap">↑ {rate(t.upload_rate)}</span>
    </span>
  )
}

// ---- picking a file inside a torrent ----

export function FilePicker ({ files, title, busy, onPick, onCancel, pickLabel = 'Assign this file' }: {
  files: TorrentFile[]
  title: string
  busy: boolean
  onPick: (file: TorrentFile) => void
  onCancel?: () => void
  pickLabel?: string
}): JSX.Element {
  const best = useMemo(() => {
    const videos = files.filter((f) => kindOf(f) === 'video')
    return [...(videos.length > 0 ? videos : files)].sort((a, b) => b.size - a.size)[0]
  }, [files])
  const [chosen, setChosen] = useState<number | undefined>(best?.index)
  const [all, setAll] = useState(false)
  const shown = all ? files : files.filter((f) => kindOf(f) === 'video' || kindOf(f) === 'sample')
  const list = shown.length === 0 ? files : shown
  const pick = files.find((f) => f.index === chosen)
  return (
    <form class="picker" onSubmit={(e) => { e.preventDefault(); if (pick !== undefined) onPick(pick) }}>
      <fieldset>
        <legend>{title}</legend>
        <p class="muted">{files.length} file{files.length === 1 ? '' : 's'}{list.length < files.length ? `, ${list.length} shown` : ''}.
          {' '}{files.length > list.length || all ? <button type="button" class="link" onClick={() => { setAll(!all) }}>{all ? 'Show videos only' : 'Show every file'}</button> : null}</p>
        <ul class="files" role="radiogroup" aria-label="Files in the torrent">
          {list.map((f) => (
            <li key={f.index}>
              <label class={chosen === f.index ? 'chosen' : ''}>
                <input type="radio" name="file" value={f.index} checked={chosen === f.index} onChange={() => { setChosen(f.index) }} />
                <span class="path">{f.path}</span>
                <span class="size">{bytes(f.size)}</span>
                <KindBadge kind={kindOf(f)} />
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div class="row">
        <button type="submit" class="primary" disabled={pick === undefined || busy}>{busy ? 'Assigning…' : pickLabel}</button>
        {onCancel !== undefined && <button type="button" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  )
}

/** Paste a magnet, wait for its metadata, pick the file, assign it. */
export function MagnetAssign ({ target, onAssigned }: { target: Target, onAssigned: () => void }): JSX.Element {
  const [magnet, setMagnet] = useState('')
  const [meta, setMeta] = useState<TorrentMeta | null>(null)
  const load = useAction(async (m: string) => await post<TorrentMeta>('/api/torrents', { magnet_uri: m }))
  const assign = useAction(async (file: TorrentFile) => await post<Assignment>(`${base(target)}/assign`, { magnet_uri: magnet.trim(), file_path: file.path }))
  const fetchFiles = async (e: Event): Promise<void> => {
    e.preventDefault()
    setMeta(null)
    const m = await load.run(magnet.trim())
    if (m !== undefined) setMeta(m)
  }
  return (
    <div class="magnet">
      <form class="toolbar" onSubmit={(e) => { void fetchFiles(e) }}>
        <label class="grow">
          <span class="label">Magnet link or info hash</span>
          <input name="magnet" value={magnet} required placeholder="magnet:?xt=urn:btih:…" spellcheck={false} autocomplete="off"
            onInput={(e) => { setMagnet(e.currentTarget.value); setMeta(null) }} />
        </label>
        <button type="submit" disabled={load.busy}>{load.busy ? 'Fetching metadata…' : 'List files'}</button>
      </form>
      {load.busy && <Loading label="Waiting for the torrent's metadata from its peers" />}
      <ErrorBox error={load.error} title="Could not read the torrent" />
      {meta !== null && (
        <FilePicker files={meta.files} title={`${meta.name} · ${bytes(meta.length)}`} busy={assign.busy}
          onCancel={() => { setMeta(null) }}
          onPick={(f) => { void assign.run(f).then((a) => { if (a !== undefined) { announce(`Assigned ${f.path} to ${target.label}`); setMagnet(''); setMeta(null); onAssigned() } }) }} />
      )}
      <ErrorBox error={assign.error} title="Could not assign" />
    </div>
  )
}

// ---- releases from the indexers ----

function healthKey (r: Release): string | null { return r.info_hash?.toLowerCase() ?? null }

/** The search answer with each indexer's result and the live swarm health of the first releases. */
export function useReleases (path: string | null): { answer: ReleaseAnswer | undefined, error: ApiError | undefined, loading: boolean, health: Map<string, Health | 'checking' | ApiError>, reload: () => void } {
  const res = useApi<ReleaseAnswer>(path)
  const [health, setHealth] = useState(new Map<string, Health | 'checking' | ApiError>())
  useEffect(() => {
    const releases = (res.data?.releases ?? []).slice(0, 12)
    if (releases.length === 0) return
    let live = true
    setHealth(new Map(releases.map((r) => [r.id, 'checking' as const])))
    // one request per release: a slow swarm does not hold the others back
    for (const r of releases) {
      post<{ results: Health[] }>('/api/releases/health', { release_ids: [r.id] }).then((a) => {
        if (live) setHealth((m) => new Map(m).set(r.id, a.results[0] ?? new ApiError(0, 'empty', 'no result')))
      }, (err: unknown) => {
        if (live) setHealth((m) => new Map(m).set(r.id, toApiError(err)))
      })
    }
    return () => { live = false }
  }, [res.data])
  return { answer: res.data, error: res.error, loading: res.loading, health, reload: res.reload }
}

export function HealthCell ({ h }: { h: Health | 'checking' | ApiError | undefined }): JSX.Element {
  if (h === undefined) return <span class="muted">–</span>
  if (h === 'checking') return <span class="muted">checking…</span>
  if (h instanceof ApiError) return <span class="bad-text" title={h.message}>{h.message}</span>
  if (h.error !== undefined) return <span class="bad-text" title={h.error}>{h.error}</span>
  const kind = h.seeders > 0 ? 'good' : h.peersReached > 0 ? 'warn' : 'bad'
  return <Badge kind={kind} title={`${h.peersFound} found, ${h.peersReached} reached in ${Math.round(h.ms)} ms`}>{h.seeders} seed{h.seeders === 1 ? '' : 's'} · {h.peersReached} peer{h.peersReached === 1 ? '' : 's'}</Badge>
}

export function IndexerReport ({ answer }: { answer: ReleaseAnswer }): JSX.Element {
  return (
    <ul class="plain indexers">
      {answer.indexers.map((i) => (
        <li key={i.name}>
          <Badge kind={i.ok ? 'good' : 'bad'}>{i.name}</Badge>{' '}
          {i.ok ? `${i.count} result${i.count === 1 ? '' : 's'} in ${i.ms} ms` : <span class="bad-text">{i.error?.message ?? 'failed'}{i.error?.retry_after !== undefined ? ` (retry in ${i.error.retry_after} s)` : ''}</span>}
        </li>
      ))}
    </ul>
  )
}

export function ReleaseName ({ r }: { r: Release }): JSX.Element {
  return (
    <>
      <span class="release-name">{r.name}</span>
      <span class="badges">
        {qualityOf(r.quality).map((q) => <Badge key={q} kind="info">{q}</Badge>)}
        {r.pack !== null && r.pack !== 'episode' && <Badge>{r.pack}</Badge>}
        {r.freeleech && <Badge kind="good">freeleech</Badge>}
      </span>
    </>
  )
}

/** Releases of a movie or an episode: one click assigns; a torrent with several videos asks which. */
export function Releases ({ target, onAssigned }: { target: Target, onAssigned: () => void }): JSX.Element {
  const [searched, setSearched] = useState(false)
  const rel = useReleases(searched ? `${base(target)}/releases` : null)
  const [picking, setPicking] = useState<{ release: Release, files: TorrentFile[] } | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | undefined>(undefined)
  const choose = async (r: Release, filePath?: string): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      const a = await post<Assignment>(`${base(target)}/assign`, { release_id: r.id, ...(filePath === undefined ? {} : { file_path: filePath }) })
      announce(`Assigned ${a.file_path} to ${target.label}`)
      setPicking(null)
      onAssigned()
    } catch (err) {
      const e = toApiError(err)
      const files = e.details?.files
      // several videos (or none): the server lists the torrent's files to choose from
      if (e.status === 422 && Array.isArray(files) && filePath === undefined) {
        // the torrent is loaded now: its listing with each file's kind, else the error's listing
        const meta = await post<TorrentMeta>('/api/torrents', { release_id: r.id }).catch(() => null)
        setPicking({ release: r, files: meta?.files ?? (files as Array<{ path: string, size: number }>).map((f, index) => ({ index, path: f.path, size: f.size })) })
      } else {
        setError(e)
      }
    } finally {
      setBusy(false)
    }
  }
  if (!searched) {
    return <button type="button" onClick={() => { setSearched(true) }}>Search the indexers</button>
  }
  return (
    <div class="releases">
      <div class="row">
        <button type="button" onClick={rel.reload} disabled={rel.loading}>{rel.loading ? 'Searching…' : 'Search again'}</button>
      </div>
      <ErrorBox error={rel.error} title="Release search failed" />
      {rel.loading && rel.answer === undefined && <Loading label="Asking the indexers" />}
      {rel.answer !== undefined && (
        <>
          <IndexerReport answer={rel.answer} />
          {rel.answer.releases.length === 0
            ? <p>No release found.</p>
            : (
              <div class="table-wrap">
                <table class="releases-table">
                  <thead><tr><th scope="col">Release</th><th scope="col">Size</th><th scope="col">Seeders</th><th scope="col">Live health</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
                  <tbody>
                    {rel.answer.releases.map((r) => (
                      <tr key={r.id}>
                        <td><ReleaseName r={r} /></td>
                        <td class="num">{bytes(r.size)}</td>
                        <td class="num">{r.seeders ?? '–'}</td>
                        <td><HealthCell h={rel.health.get(r.id)} /></td>
                        <td><button type="button" class="primary" disabled={busy} aria-label={`Assign ${r.name}`} onClick={() => { void choose(r) }}>Assign</button></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              )}
          {rel.answer.dropped.length > 0 && (
            <details><summary>{rel.answer.dropped.length} left out</summary>
              <ul class="plain">{rel.answer.dropped.map((d) => <li key={d.id}><code>{d.name}</code> <span class="muted">{d.reason}</span></li>)}</ul>
            </details>
          )}
        </>
      )}
      {picking !== null && (
        <FilePicker files={picking.files} title={`Which file of ${picking.release.name}?`} busy={busy}
          onCancel={() => { setPicking(null) }} onPick={(f) => { void choose(picking.release, f.path) }} />
      )}
      <ErrorBox error={error} title="Could not assign" />
    </div>
  )
}

// ---- subtitles ----

let languageNames: Intl.DisplayNames | null | undefined
/** "German (de)" where the browser knows the code, else the code. */
export function languageName (code: string | null): string {
  if (code === null || code === '') return 'unknown language'
  if (languageNames === undefined) {
    try { languageNames = new Intl.DisplayNames(['en'], { type: 'language' }) } catch { languageNames = null }
  }
  let name: string | undefined
  try { name = languageNames?.of(code) } catch { name = undefined }
  return name === undefined || name === code ? code : `${name} (${code})`
}

function language (s: { language: string | null, forced?: boolean, sdh?: boolean }): string {
  return [languageName(s.language), s.forced === true ? 'forced' : null, s.sdh === true ? 'SDH' : null].filter((x) => x !== null).join(', ')
}

/**
 * The item's subtitles: the torrent's own and the downloaded ones, OpenSubtitles searched on
 * request with a download per result, delete per subtitle (a torrent's own is refused by the
 * server: its 409 says why). One error line at a time: the last action's.
 */
export function Subtitles ({ target }: { target: Target }): JSX.Element {
  const list = useApi<{ items: Subtitle[] }>(`${base(target)}/subtitles`)
  const status = useApi<Status>('/api/status')
  // unknown (the status failed): the buttons stay, their own errors say more
  const noOpenSubtitles = status.data?.subtitles.opensubtitles_configured === false
  const [search, setSearch] = useState<SubtitleSearch | null>(null)
  const [failure, setFailure] = useState<{ title: string, error: ApiError } | null>(null)
  const [busy, setBusy] = useState<'search' | 'best' | number | null>(null)
  const act = async <R,>(what: 'search' | 'best' | number, title: string, fn: () => Promise<R>): Promise<R | undefined> => {
    setBusy(what)
    setFailure(null)
    try {
      return await fn()
    } catch (err) {
      setFailure({ title, error: toApiError(err) })
      return undefined
    } finally {
      setBusy(null)
    }
  }
  const afterDownload = (r: { items: Subtitle[] } | undefined): void => {
    if (r === undefined) return
    announce(r.items.length === 0 ? 'No new subtitle was downloaded' : `Downloaded ${r.items.length} subtitle${r.items.length === 1 ? '' : 's'}`)
    list.reload()
  }
  const download = (body: Record<string, unknown>, key: 'best' | number): void => {
    void act(key, 'Download failed', async () => await post<{ items: Subtitle[] }>(`${base(target)}/subtitles`, body)).then(afterDownload)
  }
  const remove = (s: Subtitle): void => {
    void act(-s.id, 'Could not delete the subtitle', async () => await del(`/api/subtitles/${s.id}`)).then((r) => {
      if (r !== undefined) { announce('Subtitle deleted'); list.reload() }
    })
  }
  const stored = new Set((list.data?.items ?? []).map((s) => s.external_id).filter((x) => x !== null))
  return (
    <div class="subtitles">
      <ErrorBox error={list.error} title="Could not list the subtitles" />
      {list.data !== undefined && (list.data.items.length === 0
        ? <p class="muted">No subtitles yet.</p>
        : (
          <ul class="plain sub-list" aria-label="Subtitles of this file">
            {list.data.items.map((s) => (
              <li key={s.id}>
                <Badge kind="info">{s.format}</Badge> {language(s)} · <span class="muted">{s.origin === 'torrent' ? `in the torrent: ${s.file_path ?? ''}` : `OpenSubtitles: ${s.release ?? s.external_id ?? ''}`}</span>{' '}
                <button type="button" class="link" disabled={busy !== null} aria-label={`Delete the ${languageName(s.language)} subtitle${s.origin === 'torrent' ? ' of the torrent' : ''}`} onClick={() => { remove(s) }}>{busy === -s.id ? 'Deleting…' : 'Delete'}</button>
              </li>
            ))}
          </ul>
          ))}
      {noOpenSubtitles
        ? <p class="muted">Subtitles inside the torrent are listed here. To search OpenSubtitles for more, set <code>subtitles.opensubtitles.api_key</code> (see the <a href="#/status">Status</a> page).</p>
        : (
          <div class="row">
            <button type="button" disabled={busy !== null} onClick={() => { setSearch(null); void act('search', 'Subtitle search failed', async () => await get<SubtitleSearch>(`${base(target)}/subtitles/search`)).then((r) => { if (r !== undefined) setSearch(r) }) }}>{busy === 'search' ? 'Searching…' : 'Search OpenSubtitles'}</button>
            <button type="button" disabled={busy !== null} onClick={() => { download({}, 'best') }}>{busy === 'best' ? 'Downloading…' : 'Download the best per language'}</button>
          </div>
          )}
      {failure !== null && <ErrorBox error={failure.error} title={failure.title} onDismiss={() => { setFailure(null) }} />}
      {search !== null && (search.items.length === 0
        ? <p>OpenSubtitles has nothing for this file.</p>
        : (
          <>
            <p class="muted">{search.items.length} result{search.items.length === 1 ? '' : 's'} on OpenSubtitles{search.items.length > 20 ? ', the first 20 shown' : ''}{search.movie_hash !== null ? '; “matches the file” means made for this very file' : ''}.</p>
            <ul class="plain candidates" aria-label="OpenSubtitles results">
              {search.items.slice(0, 20).map((c) => {
                const name = c.release ?? c.file_name ?? `file ${c.file_id}`
                const have = stored.has(String(c.file_id))
                return (
                  <li key={c.file_id}>
                    <Badge kind={search.best.some((b) => b.file_id === c.file_id) ? 'good' : 'neutral'} title={languageName(c.language)}>{c.language_tag}</Badge>{' '}
                    <span class="release-name">{name}</span>{' '}
                    <span class="muted">{c.download_count} downloads{c.moviehash_match ? ', matches the file' : ''}{c.hearing_impaired ? ', SDH' : ''}{c.machine_translated || c.ai_translated ? ', machine translated' : ''}</span>{' '}
                    {have
                      ? <Badge kind="good">downloaded</Badge>
                      : <button type="button" class="link" disabled={busy !== null} aria-label={`Download ${name}`} onClick={() => { download({ file_id: c.file_id }, c.file_id) }}>{busy === c.file_id ? 'Downloading…' : 'Download'}</button>}
                  </li>
                )
              })}
            </ul>
          </>
          ))}
    </div>
  )
}
