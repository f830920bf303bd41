// Pure mapping for media-server refreshes: an item's folder as the published tree names it, that
// folder under a server's mount, which Plex section holds it, and the request shapes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TreeMovie, TreeShow } from '../../src/library/tree-model.ts'
import { buildTree, childNamed, type DirNode } from '../../src/vfs/tree.ts'
import { movieFolder, normaliseFolder, parentFolder, pathWithin, seasonFolder, serverPath } from '../../src/media-servers/paths.ts'
import { parseSections, plexRefreshUrl, sectionsContaining } from '../../src/media-servers/plex.ts'
import { authHeaders, mediaUpdatedBody } from '../../src/media-servers/jellyfin.ts'
import { endpoint, redact } from '../../src/media-servers/http.ts'
import { assignment, at } from '../helpers/vfs-fixtures.ts'

/** Whether the tree has a folder at `path` ('/A/B'). */
function hasFolder (root: DirNode, path: string): boolean {
  let node: DirNode = root
  for (const name of path.split('/').filter((s) => s !== '')) {
    const child = childNamed(node, name)
    if (child?.kind !== 'dir') return false
    node = child
  }
  return true
}

test('movie and season folders are named as the published tree names them', () => {
  const movies: TreeMovie[] = [
    { id: 1, title: 'Fight Club', year: 1999, createdAt: at(1), assignment: assignment(11, 'fc.mkv', 10) },
    { id: 2, title: 'Alien: Romulus', year: 2024, createdAt: at(2), assignment: assignment(12, 'a.mkv', 10) },
    { id: 3, title: 'Amélie', year: 2001, createdAt: at(3), assignment: assignment(13, 'a.mp4', 10) },
    { id: 4, title: 'Tom & Jerry? The "Movie"', year: null, createdAt: at(4), assignment: assignment(14, 't.avi', 10) },
    { id: 5, title: '???', year: 1980, createdAt: at(5), assignment: assignment(15, 'q.mkv', 10) },
    // NFD input: the tree publishes NFC
    { id: 6, title: 'Cafe\u0301 Society', year: 2016, createdAt: at(6), assignment: assignment(16, 'c.mkv', 10) }
  ]
  const show = (id: number, title: string, year: number | null, seasons: number[]): TreeShow => ({
    id,
    title,
    year,
    createdAt: at(10),
    seasons: seasons.map((n) => ({ id: id * 100 + n, seasonNumber: n, createdAt: at(11), episodes: [{ id: id * 1000 + n, episodeNumber: 1, name: 'Ep', createdAt: at(12), assignment: assignment(id * 1000 + n, `s${n}e1.mkv`, 10) }] }))
  })
  const shows = [show(1, 'Dark', 2017, [1, 3]), show(2, 'Law & Order: SVU', 1999, [0, 12, 100]), show(3, 'Ōoku', null, [1])]
  const root = buildTree(movies, shows, { showEmpty: false })

  assert.equal(movieFolder(movies[0]!), '/Movies/Fight Club (1999)')
  assert.equal(movieFolder(movies[1]!), '/Movies/Alien - Romulus (2024)')
  assert.equal(movieFolder(movies[3]!), "/Movies/Tom & Jerry The 'Movie'")
  assert.equal(movieFolder(movies[4]!), '/Movies/Movie 5 (1980)', 'a title that sanitises to nothing takes the fallback')
  assert.equal(movieFolder(movies[5]!), '/Movies/Café Society (2016)')
  assert.equal(seasonFolder(shows[0]!, 1), '/TV Shows/Dark (2017)/Season 01')
  assert.equal(seasonFolder(shows[1]!, 0), '/TV Shows/Law & Order - SVU (1999)/Season 00')
  assert.equal(seasonFolder(shows[1]!, 100), '/TV Shows/Law & Order - SVU (1999)/Season 100')
  for (const m of movies) assert.ok(hasFolder(root, movieFolder(m)), `the tree has ${movieFolder(m)}`)
  for (const s of shows) {
    for (const season of s.seasons) assert.ok(hasFolder(root, seasonFolder(s, season.seasonNumber)), `the tree has ${seasonFolder(s, season.seasonNumber)}`)
  }
})

test('normaliseFolder: one spelling, NFC; relative, dot segments and the root are refused', () => {
  assert.equal(normaliseFolder('/Movies/Fight Club (1999)/'), '/Movies/Fight Club (1999)')
  assert.equal(normaliseFolder('//TV Shows//Dark (2017)/Season 01'), '/TV Shows/Dark (2017)/Season 01')
  assert.equal(normaliseFolder('/Movies/Cafe\u0301'), '/Movies/Café')
  for (const bad of ['Movies/X', '', '/', '/Movies/../etc', '/Movies/./X']) assert.equal(normaliseFolder(bad), null, bad)
})

test('parentFolder stops at the top-level folders', () => {
  assert.equal(parentFolder('/TV Shows/Dark (2017)/Season 01'), '/TV Shows/Dark (2017)')
  assert.equal(parentFolder('/TV Shows/Dark (2017)'), '/TV Shows')
  assert.equal(parentFolder('/TV Shows'), null)
})

test('serverPath puts the folder under the mount with the server\'s separator', () => {
  const f = '/TV Shows/Dark (2017)/Season 01'
  assert.equal(serverPath('/mnt/momoshtrem', f), '/mnt/momoshtrem/TV Shows/Dark (2017)/Season 01')
  assert.equal(serverPath('/mnt/momoshtrem/', f), '/mnt/momoshtrem/TV Shows/Dark (2017)/Season 01')
  assert.equal(serverPath('/', '/Movies/X'), '/Movies/X')
  assert.equal(serverPath('M:\\', f), 'M:\\TV Shows\\Dark (2017)\\Season 01')
  assert.equal(serverPath('D:\\media\\momoshtrem', '/Movies/X'), 'D:\\media\\momoshtrem\\Movies\\X')
  assert.equal(serverPath('\\\\nas\\momo\\', '/Movies/X'), '\\\\nas\\momo\\Movies\\X')
  assert.equal(serverPath('/mnt/m', '/Movies/Tom & Jerry, Amélie (2001)'), '/mnt/m/Movies/Tom & Jerry, Amélie (2001)')
})

test('pathWithin compares whole segments; Windows paths ignore case and separators', () => {
  assert.ok(pathWithin('/mnt/momoshtrem/Movies', '/mnt/momoshtrem/Movies/X (1999)'))
  assert.ok(pathWithin('/mnt/momoshtrem/Movies/', '/mnt/momoshtrem/Movies'))
  assert.ok(pathWithin('/', '/anything'))
  assert.ok(!pathWithin('/mnt/momoshtrem/Mov', '/mnt/momoshtrem/Movies/X'))
  assert.ok(!pathWithin('/mnt/momoshtrem/Movies', '/mnt/momoshtrem'))
  assert.ok(!pathWithin('/mnt/Momoshtrem/Movies', '/mnt/momoshtrem/Movies/X'), 'case counts on Linux')
  assert.ok(pathWithin('M:\\Movies', 'm:\\movies\\X'))
  assert.ok(pathWithin('M:/Movies', 'M:\\Movies\\X'))
  assert.ok(pathWithin('/mnt/m/Cafe\u0301', '/mnt/m/Café/X'), 'NFD and NFC spellings are one name')
})

test('Plex sections: parsed from the JSON answer; every section holding the folder', () => {
  const body = JSON.stringify({
    MediaContainer: {
      size: 3,
      Directory: [
        { key: '1', type: 'movie', title: 'Movies', Location: [{ id: 1, path: '/mnt/m/Movies' }, { id: 4, path: '/data/films' }] },
        { key: 2, type: 'show', title: 'TV', Location: [{ id: 2, path: '/mnt/m/TV Shows' }] },
        { key: '3', type: 'movie', title: 'Everything', Location: [{ id: 3, path: '/mnt/m' }] }
      ]
    }
  })
  const sections = parseSections(body)!
  assert.deepEqual(sections.map((s) => [s.key, s.locations]), [['1', ['/mnt/m/Movies', '/data/films']], ['2', ['/mnt/m/TV Shows']], ['3', ['/mnt/m']]])
  assert.deepEqual(sectionsContaining(sections, '/mnt/m/TV Shows/Dark (2017)/Season 01').map((s) => s.key), ['2', '3'])
  assert.deepEqual(sectionsContaining(sections, '/elsewhere/x'), [])
  assert.deepEqual(parseSections('{"MediaContainer":{"size":0}}'), [], 'no Directory: no sections')
  assert.equal(parseSections('<?xml version="1.0"?><MediaContainer size="0"/>'), null)
  assert.equal(parseSections('{"errors":[]}'), null)
})

test('Plex refresh URL: the path percent-encoded as a URI component, never "+" for a space', () => {
  const url = plexRefreshUrl('http://plex.lan:32400', '2', '/mnt/m/Movies/Tom & Jerry + Amélie (2001)', 'to/k=en')
  assert.equal(url.href, 'http://plex.lan:32400/library/sections/2/refresh' +
    '?path=%2Fmnt%2Fm%2FMovies%2FTom%20%26%20Jerry%20%2B%20Am%C3%A9lie%20(2001)&X-Plex-Token=to%2Fk%3Den')
  assert.equal(plexRefreshUrl('https://h/plex/', '1', '/x', 't').href, 'https://h/plex/library/sections/1/refresh?path=%2Fx&X-Plex-Token=t', 'a path prefix is kept')
  assert.equal(redact(url), url.href.replace('X-Plex-Token=to%2Fk%3Den', 'X-Plex-Token=***'), 'the token masked, the rest as sent')
  assert.equal(redact('https://user:pw@h/x?api_key=k&a=b'), 'https://h/x?api_key=***&a=b')
})

test('Jellyfin/Emby: the body and the token header', () => {
  assert.deepEqual(mediaUpdatedBody({ path: '/mnt/m/Movies/X', exists: true, nearestExisting: '/mnt/m/Movies/X' }),
    { Updates: [{ Path: '/mnt/m/Movies/X', UpdateType: 'Modified' }] })
  assert.deepEqual(mediaUpdatedBody({ path: '/mnt/m/Movies/X', exists: false, nearestExisting: '/mnt/m/Movies' }),
    { Updates: [{ Path: '/mnt/m/Movies/X', UpdateType: 'Deleted' }] }, 'a folder that is gone is reported as itself')
  assert.deepEqual(authHeaders('jellyfin', 'abc'), { authorization: 'MediaBrowser Token="abc"' })
  assert.deepEqual(authHeaders('emby', 'abc'), { 'x-emby-token': 'abc' })
  assert.equal(endpoint('http://h:8096/emby/', '/Library/Media/Updated').href, 'http://h:8096/emby/Library/Media/Updated')
})
