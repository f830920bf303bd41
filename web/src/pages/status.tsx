// Status: first the WebDAV address with setup steps for each player (what a new user comes
// here for), then TMDB, indexers and their last error, cache use, version and uptime, media
// servers and subtitles.
import type { JSX } from 'preact'
import { Badge, CopyButton, ErrorBox, Loading, Progress } from '../components.tsx'
import { useApi } from '../hooks.ts'
import { bytes, count, date, duration, percent } from '../format.ts'
import type { Indexer, Status } from '../types.ts'

export function StatusPage (): JSX.Element {
  const status = useApi<Status>('/api/status', 5000)
  const indexers = useApi<{ indexers: Indexer[] }>('/api/indexers')
  const s = status.data
  const dav = `${location.origin}/dav/`
  return (
    <section class="status">
      <div class="page-head"><h1>Status</h1></div>
      <section class="panel dav" aria-labelledby="dav-h">
        <h2 id="dav-h">Play with WebDAV</h2>
        <p>Players browse the library at this address, with the same user name and password as this page:</p>
        <p class="row"><code class="address" id="dav-address">{dav}</code> <CopyButton text={dav} label="Copy address" /></p>
        <p class="muted">A playlist of every file for players without WebDAV: <a href="/api/export.m3u">export.m3u</a>.</p>
        <ClientSetup dav={dav} />
      </section>
      <ErrorBox error={status.error} title="Could not read the status" />
      {s === undefined && status.error === undefined && <Loading label="Loading the status" />}
      {s !== undefined && (
        <div class="cards">
          <section class="panel" aria-labelledby="server-h">
            <h2 id="server-h">Server</h2>
            <dl class="facts">
              <div><dt>Version</dt><dd>{s.version}</dd></div>
              <div><dt>Up for</dt><dd>{duration(s.uptime_seconds)} <span class="muted">(since {date(s.started_at)})</span></dd></div>
              <div><dt>Library</dt><dd>{count(s.counts.movies, 'movie')}, {count(s.counts.shows, 'show')} ({count(s.counts.episodes, 'episode')}), {count(s.counts.active_assignments, 'file')} assigned</dd></div>
              <div><dt>Torrents</dt><dd>{s.torrents.loaded} loaded</dd></div>
            </dl>
          </section>
          <section class="panel" aria-labelledby="cache-h">
            <h2 id="cache-h">Piece cache</h2>
            <p><Progress value={s.cache.limit_bytes === 0 ? 0 : s.cache.used_bytes / s.cache.limit_bytes} label="Cache use" /></p>
            <p>{bytes(s.cache.used_bytes)} of {bytes(s.cache.limit_bytes)} ({percent(s.cache.limit_bytes === 0 ? 0 : s.cache.used_bytes / s.cache.limit_bytes)}). The least recently read pieces go first when it is full.</p>
          </section>
          <section class="panel" aria-labelledby="tmdb-h">
            <h2 id="tmdb-h">TMDB</h2>
            {s.tmdb_configured
              ? <p><Badge kind="good">configured</Badge> Search, posters, trending lists and show refreshes work.</p>
              : <p><Badge kind="warn">not configured</Badge> Set <code>tmdb.api_key</code> in the config file or <code>MOMOSHTREM_TMDB_API_KEY</code> in the environment, then restart.</p>}
            <p class="muted">Show refresh: {s.show_refresh.state}{s.show_refresh.last_run_at !== null ? `, last ${date(s.show_refresh.last_run_at)}` : ''}{s.show_refresh.next_run_at !== null ? `, next ${date(s.show_refresh.next_run_at)}` : ''}.</p>
            {s.show_refresh.last_error !== null && <p class="bad-text">Last refresh error ({date(s.show_refresh.last_error.at)}): {s.show_refresh.last_error.message}</p>}
          </section>
          <section class="panel" aria-labelledby="idx-h">
            <h2 id="idx-h">Indexers</h2>
            <ErrorBox error={indexers.error} title="Could not list the indexers" />
            {indexers.data === undefined && indexers.error === undefined && <Loading label="Asking the indexers" />}
            {indexers.data !== undefined && indexers.data.indexers.length === 0 && <p>No indexer is configured. Add Prowlarr or Jackett Torznab feeds under <code>indexers:</code> in the config file to search releases.</p>}
            {indexers.data !== undefined && indexers.data.indexers.length > 0 && (
              <ul class="plain">
                {indexers.data.indexers.map((i) => (
                  <li key={i.name}>
                    <Badge kind={i.last_error === null ? 'good' : 'bad'}>{i.name}</Badge> <code class="small">{i.url}</code>
                    {i.last_error !== null
                      ? <div class="bad-text">Last error ({date(i.last_error.at)}): {i.last_error.message}</div>
                      : <div class="muted small">{i.last_success_at !== null ? `last answered ${date(i.last_success_at)}` : 'not asked yet'}</div>}
                    {i.retry_at !== null && <div class="muted small">Not asked again before {date(i.retry_at)}</div>}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="panel" aria-labelledby="subs-h">
            <h2 id="subs-h">Subtitles</h2>
            <p>{s.subtitles.opensubtitles_configured ? <Badge kind="good">OpenSubtitles configured</Badge> : <Badge>OpenSubtitles not configured</Badge>}
              {s.subtitles.languages.length > 0 && <span> · downloaded after each assign: {s.subtitles.languages.join(', ')}</span>}</p>
            {!s.subtitles.opensubtitles_configured && <p class="muted">Subtitles inside the torrents are published all the same. To search and download more, set <code>subtitles.opensubtitles.api_key</code> (a consumer key from opensubtitles.com) or <code>MOMOSHTREM_SUBTITLES_OPENSUBTITLES_API_KEY</code>, and restart.</p>}
            {s.subtitles.last_error !== null && <p class="bad-text">Last error ({date(s.subtitles.last_error.at)}): {s.subtitles.last_error.message}</p>}
          </section>
          {s.media_servers.length > 0 && (
            <section class="panel" aria-labelledby="ms-h">
              <h2 id="ms-h">Media servers</h2>
              <ul class="plain">
                {s.media_servers.map((m) => (
                  <li key={m.name}><Badge kind={m.last_error === null ? 'good' : 'bad'}>{m.name}</Badge> {m.type} <code class="small">{m.url}</code>
                    {m.last_error !== null && <div class="bad-text">{date(m.last_error.at)}: {m.last_error.message}</div>}
                    {m.pending > 0 && <div class="muted small">{m.pending} refresh{m.pending === 1 ? '' : 'es'} pending</div>}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      )}
    </section>
  )
}

function ClientSetup ({ dav }: { dav: string }): JSX.Element {
  const u = new URL(dav)
  const host = u.hostname
  const port = u.port === '' ? (u.protocol === 'https:' ? '443' : '80') : u.port
  return (
    <div class="clients">
      <details>
        <summary>Infuse (Apple TV, iPhone, iPad, Mac)</summary>
        <ol>
          <li>Settings → Shares → Add Share → <strong>WebDAV</strong>.</li>
          <li>Address <code>{host}</code>, port <code>{port}</code>, path <code>/dav/</code>{u.protocol === 'https:' ? ', HTTPS on' : ''}.</li>
          <li>Enter the user name and password if the server has them; save.</li>
          <li>Add the folders <code>Movies</code> and <code>TV Shows</code> to the library: Infuse reads the names and fetches artwork itself.</li>
        </ol>
      </details>
      <details>
        <summary>Kodi</summary>
        <ol>
          <li>Videos → Files → Add videos… → Browse → <strong>Add network location…</strong></li>
          <li>Protocol <strong>WebDAV server (HTTP)</strong>{u.protocol === 'https:' ? ' (HTTPS)' : ''}, server <code>{host}</code>, port <code>{port}</code>, remote path <code>dav/Movies</code> (then again for <code>dav/TV Shows</code>), user name and password.</li>
          <li>Set the content of each source (Movies, TV shows) so Kodi scrapes them.</li>
        </ol>
      </details>
      <details>
        <summary>VLC</summary>
        <ol>
          <li>Desktop: Media → Open Network Stream, paste <code>{dav}</code> followed by the file's path; or open the <a href="/api/export.m3u">M3U playlist</a>.</li>
          <li>iOS / Android: Network → Connect to server / WebDAV, address <code>{dav}</code>, with the user name and password.</li>
        </ol>
      </details>
      <details>
        <summary>macOS Finder</summary>
        <ol>
          <li>Finder → Go → <strong>Connect to Server…</strong> (⌘K).</li>
          <li>Enter <code>{dav}</code> and connect; give the user name and password if asked.</li>
          <li>The library mounts read-only under /Volumes; QuickTime and IINA play from it.</li>
        </ol>
      </details>
      <details>
        <summary>rclone (for Plex, Jellyfin, Emby)</summary>
        <ol>
          <li>Add a remote: <code>rclone config create momoshtrem webdav url={dav} vendor=other</code> (add <code>user=…</code> and <code>pass=$(rclone obscure …)</code> when the server has credentials).</li>
          <li>Mount it: <code>rclone mount momoshtrem: /mnt/momoshtrem --read-only --vfs-cache-mode off --dir-cache-time 10s</code></li>
          <li>Point the media server's libraries at <code>/mnt/momoshtrem/Movies</code> and <code>/mnt/momoshtrem/TV Shows</code>.</li>
        </ol>
      </details>
    </div>
  )
}
