// A show: overview and state, seasons with every episode's state (each episode assignable
// like a movie), the season-pack preview (per-episode match, confidence, conflicts) and
// apply, refresh from TMDB, delete.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { type ApiError, del, post, query } from '../api.ts'
import { Badge, ConfirmButton, ErrorBox, Loading, Poster, announce } from '../components.tsx'
import { toApiError, useAction, useApi } from '../hooks.ts'
import { bytes, date, episodeCode, qualityOf } from '../format.ts'
import { navigate, replaceParams } from '../router.ts'
import type { Episode, PackEpisode, PackPlan, Release, Season, ShowDetail } from '../types.ts'
import { AssignedFile, HealthCell, IndexerReport, MagnetAssign, ReleaseName, Releases, Subtitles, useReleases, type Target } from './assign.tsx'
import { Backdrop } from './movie.tsx'

function aired (e: Episode): boolean {
  return e.air_date === null || e.air_date <= new Date().toISOString().slice(0, 10)
}

function seasonLabel (s: Season): string {
  return s.season_number === 0 ? (s.name ?? 'Specials') : `Season ${s.season_number}`
}

export function ShowPage ({ id, params }: { id: number, params: URLSearchParams }): JSX.Element {
  const show = useApi<ShowDetail>(`/api/shows/${id}`)
  const remove = useAction(async () => { await del(`/api/shows/${id}`); return true })
  const refresh = useAction(async () => await post<{ added_seasons: number, added_episodes: number, updated_episodes: number }>(`/api/shows/${id}/refresh`))
  const s = show.data
  if (s === undefined) {
    return <section>{show.error !== undefined ? <><h1>Show {id}</h1><ErrorBox error={show.error} title="Could not load the show" /><p><a href="#/?kind=shows">Back to the library</a></p></> : <Loading label="Loading the show" />}</section>
  }
  const episodes = s.seasons.flatMap((x) => x.episodes)
  const assigned = episodes.filter((e) => e.assignment !== null).length
  const missing = episodes.filter((e) => e.assignment === null && aired(e)).length
  const label = `${s.title}${s.year === null ? '' : ` (${s.year})`}`
  const wanted = params.get('season')
  const season = s.seasons.find((x) => String(x.season_number) === wanted) ?? s.seasons.find((x) => x.season_number > 0) ?? s.seasons[0]
  const openEpisode = Number(params.get('episode') ?? '0')
  const setParams = (p: { season?: number, episode?: number }): void => {
    replaceParams(`/shows/${id}`, { season: p.season ?? season?.season_number, episode: p.episode })
  }
  return (
    <article class="detail">
      <Backdrop path={s.backdrop_path} />
      <div class="detail-head">
        <Poster path={s.poster_path} title={s.title} size="w342" />
        <div class="detail-info">
          <p class="crumbs"><a href="#/?kind=shows">Library</a> › TV shows</p>
          <h1>{s.title} {s.year !== null && <span class="year">({s.year})</span>}</h1>
          <p>
            {/* the missing ones get their own red badge: this one only says how far along */}
            <Badge kind={episodes.length > 0 && assigned === episodes.length ? 'good' : assigned === 0 ? 'warn' : 'info'}>{assigned} of {episodes.length} episodes playable</Badge>
            {missing > 0 && <> <Badge kind="bad">{missing} aired, missing</Badge></>}
            <span class="muted"> · {s.seasons.length} season{s.seasons.length === 1 ? '' : 's'}{s.tmdb_id !== null ? ` · TMDB ${s.tmdb_id}` : ' · added by hand'}</span>
          </p>
          {s.overview !== null && s.overview !== '' ? <p class="overview">{s.overview}</p> : <p class="muted">No overview.</p>}
          <div class="row">
            {s.tmdb_id !== null && (
              <button type="button" disabled={refresh.busy} onClick={() => { void refresh.run().then((r) => { if (r !== undefined) { announce(`Refreshed: ${r.added_episodes} new episodes, ${r.updated_episodes} updated`); show.reload() } }) }}>
                {refresh.busy ? 'Refreshing…' : 'Refresh from TMDB'}
              </button>
            )}
            <ConfirmButton label="Delete show" question={`Delete ${label} with all its seasons and episodes from the library? Their assignments go too.`} busy={remove.busy}
              onConfirm={() => { void remove.run().then((r) => { if (r === true) { announce(`Deleted ${label}`); navigate('#/?kind=shows') } }) }} />
          </div>
          <ErrorBox error={refresh.error} title="Refresh failed" />
          <ErrorBox error={remove.error} title="Could not delete" />
        </div>
      </div>

      <section aria-labelledby="seasons-h" class="panel">
        <h2 id="seasons-h">Episodes</h2>
        {s.seasons.length === 0 && <p>No seasons. {s.tmdb_id === null ? 'A show added by hand gets its episodes through the API (POST /api/shows/:id/episodes).' : ''}</p>}
        {s.seasons.length > 0 && (
          <div role="tablist" aria-label="Seasons" class="tabs">
            {s.seasons.map((x) => {
              const done = x.episodes.filter((e) => e.assignment !== null).length
              return (
                <button key={x.id} type="button" role="tab" aria-selected={x.id === season?.id} id={`season-tab-${x.season_number}`}
                  onClick={() => { setParams({ season: x.season_number }) }}>
                  {seasonLabel(x)} <span class="muted">{done}/{x.episodes.length}</span>
                </button>
              )
            })}
          </div>
        )}
        {season !== undefined && (
          <div role="tabpanel" aria-labelledby={`season-tab-${season.season_number}`}>
            <EpisodeTable show={s} season={season} open={openEpisode} onOpen={(e) => { setParams({ episode: e === openEpisode ? undefined : e }) }} onChange={show.reload} />
          </div>
        )}
      </section>

      <section aria-labelledby="pack-h" class="panel">
        <h2 id="pack-h">Season pack</h2>
        <SeasonPack show={s} season={season} onApplied={show.reload} />
      </section>
    </article>
  )
}

function EpisodeTable ({ show, season, open, onOpen, onChange }: { show: ShowDetail, season: Season, open: number, onOpen: (id: number) => void, onChange: () => void }): JSX.Element {
  if (season.episodes.length === 0) return <p>No episodes in {seasonLabel(season)}.</p>
  return (
    <ul class="episodes">
      {season.episodes.map((e) => {
        const code = episodeCode(season.season_number, e.episode_number)
        const state = e.assignment !== null ? <Badge kind="good">Playable</Badge> : aired(e) ? <Badge kind="bad">Missing</Badge> : <Badge>Not aired yet</Badge>
        const expanded = open === e.id
        return (
          <li key={e.id} class={expanded ? 'open' : ''}>
            <button type="button" class="episode-row" aria-expanded={expanded} aria-controls={`ep-${e.id}`} onClick={() => { onOpen(e.id) }}>
              <span class="code">{code}</span>
              <span class="name">{e.name ?? `Episode ${e.episode_number}`}</span>
              <span class="air muted">{e.air_date ?? ''}</span>
              {state}
              <span class="chevron" aria-hidden="true">{expanded ? '▾' : '▸'}</span>
            </button>
            {expanded && (
              <div id={`ep-${e.id}`} class="episode-panel">
                <EpisodePanel target={{ type: 'episode', id: e.id, label: `${show.title} ${code}` }} episode={e} onChange={onChange} />
              </div>
            )}
          </li>
        )
      })}
    </ul>
  )
}

function EpisodePanel ({ target, episode, onChange }: { target: Target, episode: Episode, onChange: () => void }): JSX.Element {
  return (
    <>
      <h3>File</h3>
      {episode.assignment !== null ? <AssignedFile target={target} assignment={episode.assignment} onChange={onChange} /> : <p>No file assigned.</p>}
      <h3>Releases</h3>
      <Releases target={target} onAssigned={onChange} />
      <h3>Paste a magnet</h3>
      <MagnetAssign target={target} onAssigned={onChange} />
      {episode.assignment !== null && <><h3>Subtitles</h3><Subtitles target={target} /></>}
    </>
  )
}

// ---- season packs ----

const ACTION: Record<PackEpisode['action'], { kind: 'good' | 'warn' | 'bad' | 'info' | 'neutral', label: string }> = {
  assign: { kind: 'good', label: 'assign' },
  replace: { kind: 'warn', label: 'replace' },
  keep: { kind: 'neutral', label: 'keep current' },
  same: { kind: 'neutral', label: 'already this file' },
  review: { kind: 'warn', label: 'review: not stored' },
  missing: { kind: 'bad', label: 'no file' }
}
const CONFIDENCE = { high: 'good', medium: 'warn', low: 'bad' } as const

type Source = { release_id: string, label: string } | { magnet_uri: string, label: string }

function SeasonPack ({ show, season, onApplied }: { show: ShowDetail, season: Season | undefined, onApplied: () => void }): JSX.Element {
  const [scope, setScope] = useState<'season' | 'show'>('season')
  const [magnet, setMagnet] = useState('')
  const [replace, setReplace] = useState(false)
  const [source, setSource] = useState<Source | null>(null)
  const [plan, setPlan] = useState<PackPlan | null>(null)
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null)
  const [error, setError] = useState<ApiError | undefined>(undefined)
  const [searched, setSearched] = useState(false)
  const seasonNumber = scope === 'season' ? season?.season_number : undefined
  const rel = useReleases(searched ? `/api/shows/${show.id}/releases${query({ season: seasonNumber })}` : null)

  const call = async (src: Source, dryRun: boolean, withReplace = replace): Promise<void> => {
    setBusy(dryRun ? 'preview' : 'apply')
    setError(undefined)
    try {
      const { label: _label, ...ref } = src
      const p = await post<PackPlan>(`/api/shows/${show.id}/assign`, { ...ref, ...(seasonNumber === undefined ? {} : { season: seasonNumber }), dry_run: dryRun, replace: withReplace })
      setSource(src)
      setPlan(p)
      if (!dryRun) {
        announce(`Stored ${p.counts.stored} episode${p.counts.stored === 1 ? '' : 's'} from ${p.torrent_name}`)
        onApplied()
      }
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(null)
    }
  }

  return (
    <div class="pack">
      <p class="muted">A season pack is one torrent with many episodes: the preview shows which file each episode would get, before anything is stored.</p>
      <div class="toolbar">
        <label><span class="label">For</span>
          <select value={scope} onChange={(e) => { setScope(e.currentTarget.value === 'show' ? 'show' : 'season'); setPlan(null) }}>
            {season !== undefined && <option value="season">{seasonLabel(season)}</option>}
            <option value="show">The whole show</option>
          </select>
        </label>
        <label class="check"><input type="checkbox" checked={replace} onChange={(e) => { const v = e.currentTarget.checked; setReplace(v); if (source !== null && plan?.dry_run === true) void call(source, true, v) }} /> Replace episodes that already have a file</label>
      </div>
      <form class="toolbar" onSubmit={(e) => { e.preventDefault(); void call({ magnet_uri: magnet.trim(), label: 'the magnet' }, true) }}>
        <label class="grow"><span class="label">Pack magnet link or info hash</span>
          <input name="pack-magnet" value={magnet} required placeholder="magnet:?xt=urn:btih:…" spellcheck={false} autocomplete="off" onInput={(e) => { setMagnet(e.currentTarget.value) }} />
        </label>
        <button type="submit" disabled={busy !== null}>{busy === 'preview' ? 'Reading the pack…' : 'Preview'}</button>
      </form>
      {!searched && <button type="button" onClick={() => { setSearched(true) }}>Search the indexers for packs</button>}
      {searched && (
        <div class="releases">
          <ErrorBox error={rel.error} title="Release search failed" />
          {rel.loading && rel.answer === undefined && <Loading label="Asking the indexers" />}
          {rel.answer !== undefined && <IndexerReport answer={rel.answer} />}
          {rel.answer !== undefined && (rel.answer.releases.length === 0
            ? <p>No release found.</p>
            : (
              <div class="table-wrap">
                <table>
                  <thead><tr><th scope="col">Release</th><th scope="col">Size</th><th scope="col">Seeders</th><th scope="col">Live health</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
                  <tbody>
                    {rel.answer.releases.map((r: Release) => (
                      <tr key={r.id}>
                        <td><ReleaseName r={r} /></td>
                        <td class="num">{bytes(r.size)}</td>
                        <td class="num">{r.seeders ?? '–'}</td>
                        <td><HealthCell h={rel.health.get(r.id)} /></td>
                        <td><button type="button" disabled={busy !== null} aria-label={`Preview ${r.name}`} onClick={() => { void call({ release_id: r.id, label: r.name }, true) }}>Preview</button></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              ))}
        </div>
      )}
      {busy === 'preview' && <Loading label="Waiting for the pack's metadata" />}
      <ErrorBox error={error} title={busy === 'apply' ? 'Could not apply' : 'The pack could not be read'} />
      {plan !== null && source !== null && <PackPreview plan={plan} busy={busy} onApply={() => { void call(source, false) }} />}
    </div>
  )
}

function PackPreview ({ plan, busy, onApply }: { plan: PackPlan, busy: 'preview' | 'apply' | null, onApply: () => void }): JSX.Element {
  const c = plan.counts
  const toStore = plan.episodes.filter((e) => e.action === 'assign' || e.action === 'replace').length
  return (
    <div class="preview" aria-live="polite">
      <h3>{plan.dry_run ? 'Preview' : 'Applied'}: {plan.torrent_name}</h3>
      <p>
        <Badge kind="good">{c.matched} matched</Badge>{' '}
        {plan.dry_run ? <Badge kind="info">{toStore} to store</Badge> : <Badge kind="good">{c.stored} stored</Badge>}{' '}
        {c.kept > 0 && <><Badge>{c.kept} kept</Badge>{' '}</>}
        {c.review > 0 && <><Badge kind="warn">{c.review} to review</Badge>{' '}</>}
        {c.missing > 0 && <><Badge kind="bad">{c.missing} without a file</Badge>{' '}</>}
        {c.unmatched_files > 0 && <Badge>{c.unmatched_files} files left out</Badge>}
      </p>
      <div class="table-wrap">
        <table class="plan">
          <thead><tr><th scope="col">Episode</th><th scope="col">File</th><th scope="col">Match</th><th scope="col">Action</th><th scope="col">Current file</th></tr></thead>
          <tbody>
            {plan.episodes.map((e) => (
              <tr key={e.episode_id}>
                <td><span class="code">{episodeCode(e.season, e.episode)}</span> {e.name ?? ''}</td>
                <td>{e.file === null ? <span class="muted">–</span> : <><code class="path" title={e.file.path}>{e.file.path.startsWith(plan.torrent_name + '/') ? e.file.path.slice(plan.torrent_name.length + 1) : e.file.path}</code> <span class="muted">{bytes(e.file.size)}</span> {qualityOf(e.file.quality).map((q) => <Badge key={q} kind="info">{q}</Badge>)}</>}</td>
                <td>{e.file === null ? '–' : <><Badge kind={CONFIDENCE[e.file.confidence]}>{e.file.confidence}</Badge> <span class="muted">{e.file.reason === '' ? e.file.episodes : e.file.reason.includes(e.file.episodes) ? e.file.reason : `${e.file.episodes}, ${e.file.reason}`}</span></>}</td>
                <td><Badge kind={ACTION[e.action].kind}>{ACTION[e.action].label}</Badge></td>
                <td>{e.existing === null ? <span class="muted">none</span> : <span class={e.action === 'replace' ? 'warn-text' : ''} title={e.existing.info_hash}>{e.existing.file_path}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.unmatched_files.length > 0 && (
        <details><summary>{plan.unmatched_files.length} file{plan.unmatched_files.length === 1 ? '' : 's'} left out</summary>
          <ul class="plain">{plan.unmatched_files.map((f) => <li key={f.file_index}><code>{f.path}</code> <span class="muted">{bytes(f.size)} · {f.reason}</span></li>)}</ul>
        </details>
      )}
      {plan.dry_run && (
        <div class="row">
          <button type="button" class="primary" disabled={busy !== null || toStore === 0} onClick={onApply}>{busy === 'apply' ? 'Applying…' : `Apply: store ${toStore} episode${toStore === 1 ? '' : 's'}`}</button>
          {toStore === 0 && <span class="muted">Nothing to store{c.kept > 0 ? ': tick “Replace” to replace the current files' : ''}.</span>}
        </div>
      )}
      {!plan.dry_run && <p class="ok">Done: {c.stored} stored at {date(new Date().toISOString())}.</p>}
    </div>
  )
}
