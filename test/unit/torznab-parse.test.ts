// Torznab answers read into data: caps (Prowlarr, Jackett, a Newznab-style one), feeds (items,
// torznab:attr by namespace URI, newznab:attr), error bodies to typed failures, entity safety,
// and the request a query becomes given the caps.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ParseError, parseCaps, parseFeed } from '../../src/indexers/parse.ts'
import { failureOf } from '../../src/indexers/http.ts'
import { publicUrl } from '../../src/indexers/client.ts'
import { categoriesFor, planSearch } from '../../src/indexers/query.ts'
import type { SearchQuery, TorznabCaps, TorznabItem } from '../../src/indexers/types.ts'
import { billionLaughsXml, capsXml, errorXml, feedXml } from '../helpers/torznab-xml.ts'

function caps (xml: string): TorznabCaps {
  const r = parseCaps(xml)
  assert.ok(r.ok)
  return r.value
}

function items (xml: string): TorznabItem[] {
  const r = parseFeed(xml)
  assert.ok(r.ok, 'a feed')
  return r.value
}

test('caps: Prowlarr and Jackett shapes give modes with their parameters, categories with subcats, limits', () => {
  const p = caps(capsXml('prowlarr'))
  assert.equal(p.server, 'Prowlarr')
  assert.deepEqual(p.limits, { max: 100, default: 100 })
  assert.deepEqual(p.modes['tv-search'], { available: true, supportedParams: ['q', 'season', 'ep', 'imdbid', 'tvdbid', 'tmdbid'] })
  assert.deepEqual(p.modes['movie-search'], { available: true, supportedParams: ['q', 'imdbid', 'tmdbid'] })
  assert.deepEqual(p.categories.map((c) => [c.id, c.subcats.map((s) => s.id)]), [[2000, [2030, 2040, 2045]], [5000, [5030, 5040, 5045, 5070]], [100001, []]])
  const j = caps(capsXml('jackett', { movie: false }))
  assert.equal(j.server, 'Jackett')
  assert.equal(j.modes['movie-search']?.available, false)
  assert.deepEqual(j.modes['tv-search']?.supportedParams, ['q', 'season', 'ep'])
})

test('caps: a Newznab-style answer without limits, modes "no", attributes in any case', () => {
  // the shape of Anime Tosho's caps (Prowlarr's test files)
  const c = caps(`<?xml version="1.0" encoding="UTF-8"?>
<caps>
	<server version="1.0" title="Anime Tosho" strapline="Anime NZB/DDL mirror" url="https://animetosho.org/"/>
	<retention days="9999"/>
	<registration available="no" open="yes" />
	<searching>
		<search available="yes" supportedParams="q" />
		<tv-search available="no" supportedParams="q" />
		<movie-search available="NO" supportedParams="Q" />
	</searching>
	<categories><category id="5070" name="Anime" description="Anime"/></categories>
</caps>`)
  assert.deepEqual(c.limits, { max: null, default: null })
  assert.equal(c.modes['tv-search']?.available, false)
  assert.deepEqual(c.modes['movie-search'], { available: false, supportedParams: ['q'] })
  assert.deepEqual(planSearch(c, { kind: 'episode', showTitle: 'Frieren', season: 1, episode: 13 }).params.get('t'), 'search')
})

test('feed: a private tracker item with only a .torrent link (MoreThanTV shape through Prowlarr)', () => {
  const [item, ...rest] = items(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed">
	<channel>
		<item>
			<title>Out of the Past 1947 720p BluRay FLAC2.0 x264-CtrlHD.mkv</title>
			<guid isPermaLink="true">https://tracker.example/torrents.php?id=1&amp;torrentid=836164</guid>
			<link>https://tracker.example/torrents.php?action=download&amp;id=1&amp;authkey=a&amp;torrent_pass=b</link>
			<pubDate>Tue, 20 Dec 2022 21:32:17 +0000</pubDate>
			<size>5412993028</size>
			<category>2000</category>
			<category>2040</category>
			<enclosure url="https://tracker.example/torrents.php?action=download&amp;id=1" length="103641" type="application/x-bittorrent" />
			<torznab:attr name="size" value="5412993028" />
			<torznab:attr name="seeders" value="3" />
			<torznab:attr name="leechers" value="0" />
			<torznab:attr name="peers" value="3" />
			<torznab:attr name="infohash" value="(removed)" />
			<torznab:attr name="downloadvolumefactor" value="0" />
			<torznab:attr name="imdb" value="0039689" />
			<torznab:attr name="imdbid" value="tt0039689" />
		</item>
	</channel>
</rss>`)
  assert.equal(rest.length, 0)
  assert.deepEqual(item, {
    title: 'Out of the Past 1947 720p BluRay FLAC2.0 x264-CtrlHD.mkv',
    guid: 'https://tracker.example/torrents.php?id=1&torrentid=836164',
    link: 'https://tracker.example/torrents.php?action=download&id=1&authkey=a&torrent_pass=b',
    magnetUrl: null,
    infoHash: null, // "(removed)" is no hash
    size: 5412993028,
    seeders: 3,
    peers: 3,
    publishedAt: '2022-12-20T21:32:17.000Z',
    categories: [2000, 2040],
    imdbId: 39689,
    tmdbId: null,
    tvdbId: null,
    downloadVolumeFactor: 0
  })
})

test('feed: Jackett and Prowlarr shapes: magnets, proxied links, ids, several categories', () => {
  const hash = 'AB'.repeat(20)
  const base = { guid: 'g', size: 123, categories: [5000, 5040], publishedAt: new Date(0), indexerName: 'x' }
  const jackett = items(feedXml('jackett', 'http://j/api', [{ ...base, title: 'Show.S01E01.720p', link: `magnet:?xt=urn:btih:${hash}`, magnetUrl: `magnet:?xt=urn:btih:${hash}`, infoHash: hash, seeders: 4, peers: 9, tvdbId: 81189, tmdbId: 1396 }]))
  assert.equal(jackett[0]?.link, `magnet:?xt=urn:btih:${hash}`)
  assert.equal(jackett[0]?.infoHash, hash.toLowerCase())
  assert.deepEqual([jackett[0]?.tvdbId, jackett[0]?.tmdbId, jackett[0]?.categories], [81189, 1396, [5000, 5040]])
  const prowlarr = items(feedXml('prowlarr', 'http://p/1/api', [{ ...base, title: 'Movie.2019.1080p', link: null, magnetUrl: 'http://p/1/download?apikey=k&link=0', imdbId: 137523 }]))
  // Prowlarr leaves <link> empty for a magnet-only release: the enclosure has its proxied URL
  assert.equal(prowlarr[0]?.link, 'http://p/1/download?apikey=k&link=0')
  assert.equal(prowlarr[0]?.magnetUrl, 'http://p/1/download?apikey=k&link=0')
  assert.equal(prowlarr[0]?.imdbId, 137523)
})

test('feed: attributes are read by namespace URI; newznab:attr counts, a look-alike prefix does not', () => {
  const [item] = items(`<rss version="2.0" xmlns:t="http://torznab.com/schemas/2015/feed" xmlns:nn="http://www.newznab.com/DTD/2010/feeds/attributes/" xmlns:torznab="urn:not-torznab">
  <channel><item><title>A.2020.1080p</title><link>magnet:?xt=urn:btih:${'1'.repeat(40)}</link>
    <t:attr name="seeders" value="7"/>
    <nn:attr name="peers" value="11"/>
    <torznab:attr name="infohash" value="${'2'.repeat(40)}"/>
  </item></channel></rss>`)
  assert.equal(item?.seeders, 7)
  assert.equal(item?.peers, 11)
  assert.equal(item?.infoHash, null)
  // an undeclared torznab: prefix means what every feed binds it to
  const [loose] = items(`<rss><channel><item><title>B</title><torznab:attr name="seeders" value="3"/></item></channel></rss>`)
  assert.equal(loose?.seeders, 3)
})

test('feed: items without a title are skipped; an empty channel is no results; not RSS is malformed', () => {
  assert.deepEqual(items('<rss><channel><item><guid>x</guid></item></channel></rss>'), [])
  assert.deepEqual(items('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>none</title></channel></rss>'), [])
  assert.throws(() => parseFeed('<html><body>Cloudflare</body></html>'), (e: unknown) => e instanceof ParseError && /is a <html>, not an RSS feed/.test(e.message))
  assert.throws(() => parseFeed('<rss><channel><item><title>cut'), ParseError)
  assert.throws(() => parseFeed(''), ParseError)
  assert.throws(() => parseCaps('{"json": true}'), ParseError)
})

test('entities are never expanded: a billion laughs and an external entity fail at once as malformed', () => {
  const t0 = performance.now()
  assert.throws(() => parseFeed(billionLaughsXml()), (e: unknown) => e instanceof ParseError && /undefined entity/.test(e.message))
  assert.ok(performance.now() - t0 < 1000)
  const xxe = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&xxe;</title></item></channel></rss>'
  assert.throws(() => parseFeed(xxe), (e: unknown) => e instanceof ParseError && /undefined entity/.test(e.message))
  // the five predefined entities and character references are text as usual
  assert.equal(items('<rss><channel><item><title>A &amp; B &#x41;&#66;</title></item></channel></rss>')[0]?.title, 'A & B AB')
})

test('error bodies become typed failures: credentials, limits, Retry-After, other errors', () => {
  const req = { indexer: 'idx', what: 'search' }
  const h = (retryAfter?: string): Headers => new Headers(retryAfter === undefined ? {} : { 'retry-after': retryAfter })
  const jackettKey = failureOf(req, 200, h(), errorXml(100, 'Invalid API Key'))
  assert.equal(jackettKey.code, 'auth_failed')
  assert.match(jackettKey.message, /indexer "idx" refused the API key \(its answer\) \(Torznab error 100: Invalid API Key\)/)
  assert.equal(failureOf(req, 401, h(), '').code, 'auth_failed')
  assert.equal(failureOf(req, 403, h(), '<html/>').code, 'auth_failed')
  const limited = failureOf(req, 429, h('120'), errorXml(429, 'User configurable Indexer Query Limit of 10 in last 1 hour(s) reached.'))
  assert.deepEqual([limited.code, limited.retryAfter], ['rate_limited', 120])
  assert.equal(failureOf(req, 429, h(new Date(Date.now() + 30_000).toUTCString()), '').retryAfter! <= 30, true)
  assert.equal(failureOf(req, 200, h(), errorXml(500, 'Request limit reached')).code, 'rate_limited')
  // Prowlarr puts the HTTP status into the error code: an HTTP 500 is a server error
  const server = failureOf(req, 500, h(), errorXml(500, 'Object reference not set'))
  assert.equal(server.code, 'http_error')
  assert.match(server.message, /HTTP 500 \(Torznab error 500: Object reference not set\)/)
  assert.equal(failureOf(req, 400, h(), errorXml(201, 'Incorrect parameter')).code, 'torznab_error')
  assert.equal(failureOf(req, 502, h(), '<html>Bad gateway</html>').code, 'http_error')
})

test('the request for a query: ids the caps take, else text; season/ep; categories; limit; extended', () => {
  const prowlarr = caps(capsXml('prowlarr'))
  const jackett = caps(capsXml('jackett'))
  const movie: SearchQuery = { kind: 'movie', title: 'Fight Club', year: 1999, tmdbId: 550, imdbId: '0137523' }
  const ep: SearchQuery = { kind: 'episode', showTitle: 'Breaking Bad', year: 2008, tmdbId: 1396, tvdbId: 81189, season: 1, episode: 2 }
  const q = (c: TorznabCaps | null, query: SearchQuery, cats?: number[]): Record<string, string> => Object.fromEntries(planSearch(c, query, cats).params)
  assert.deepEqual(q(prowlarr, movie), { t: 'movie', tmdbid: '550', imdbid: 'tt0137523', cat: '2000', limit: '100', extended: '1' })
  assert.deepEqual(q(jackett, movie), { t: 'movie', imdbid: 'tt0137523', cat: '2000', limit: '100', extended: '1' })
  assert.deepEqual(q(jackett, { ...movie, imdbId: null }), { t: 'movie', q: 'Fight Club 1999', cat: '2000', limit: '100', extended: '1' })
  assert.deepEqual(q(prowlarr, ep), { t: 'tvsearch', tvdbid: '81189', tmdbid: '1396', season: '1', ep: '2', cat: '5000', limit: '100', extended: '1' })
  assert.deepEqual(q(jackett, ep), { t: 'tvsearch', q: 'Breaking Bad', season: '1', ep: '2', cat: '5000', limit: '100', extended: '1' })
  assert.deepEqual(q(null, ep), { t: 'search', q: 'Breaking Bad S01E02', cat: '5000', limit: '100', extended: '1' })
  assert.deepEqual(q(null, { kind: 'season', showTitle: 'Breaking Bad', season: 3 }).q, 'Breaking Bad S03')
  assert.deepEqual(q(prowlarr, { kind: 'show', showTitle: 'Breaking Bad', tvdbId: 81189 }), { t: 'tvsearch', tvdbid: '81189', cat: '5000', limit: '100', extended: '1' })
  const noSeason = caps(capsXml('jackett', { tv: ['q'], limits: { max: 50, default: 20 } }))
  assert.deepEqual(q(noSeason, ep), { t: 'tvsearch', q: 'Breaking Bad S01E02', cat: '5000', limit: '50', extended: '1' })
  assert.deepEqual(categoriesFor(movie, [2040, 5040, 100001]), [2040, 100001])
  assert.deepEqual(categoriesFor(ep, [2040, 5040, 100001]), [5040, 100001])
  assert.deepEqual(categoriesFor(ep, [8000]), [8000])
})

test('an indexer URL is shown without its credentials', () => {
  assert.equal(publicUrl('http://user:pw@host:9117/api/v2.0/indexers/all/results/torznab/api?apikey=secret&x=1'), 'http://host:9117/api/v2.0/indexers/all/results/torznab/api?x=1')
  assert.equal(publicUrl('not a url'), '(invalid URL)')
})
