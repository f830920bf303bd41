import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTree, childNamed, etagFor, type DirNode, type TreeNode } from '../../src/vfs/tree.ts'
import { at, assignment, sampleLibrary } from '../helpers/vfs-fixtures.ts'

/** All paths of a tree, folders with a trailing '/'. */
function paths (node: TreeNode, prefix = ''): string[] {
  if (node.kind === 'file') return [prefix + node.entry.name]
  const here = node.entry.name === '' ? '/' : `${prefix}${node.entry.name}/`
  return [here, ...node.children.flatMap((c) => paths(c, here))]
}

function find (root: DirNode, path: string): TreeNode | undefined {
  let node: TreeNode | undefined = root
  for (const s of path.split('/').filter(Boolean)) node = node?.kind === 'dir' ? childNamed(node, s) : undefined
  return node
}

test('show_empty on: every movie, show and season folder; files only where assigned', () => {
  const src = sampleLibrary()
  const root = buildTree(src.movies(), src.shows(), { showEmpty: true })
  assert.deepEqual(paths(root), [
    '/',
    '/Movies/',
    '/Movies/Amélie - Le Fabuleux (2001)/',
    '/Movies/Amélie - Le Fabuleux (2001)/Amélie - Le Fabuleux (2001).mp4',
    '/Movies/Fight Club (1999)/',
    '/Movies/Fight Club (1999)/Fight Club (1999).mkv',
    '/Movies/Unassigned/',
    '/TV Shows/',
    '/TV Shows/Breaking Bad (2008)/',
    '/TV Shows/Breaking Bad (2008)/Season 00/',
    '/TV Shows/Breaking Bad (2008)/Season 00/Breaking Bad (2008) - S00E01 - Good Cop - Bad Cop.avi',
    '/TV Shows/Breaking Bad (2008)/Season 01/',
    '/TV Shows/Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Pilot.mkv',
    '/TV Shows/Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02.srt',
    '/TV Shows/Breaking Bad (2008)/Season 02/',
    '/TV Shows/Empty Show/'
  ])
})

test('show_empty off hides unassigned movies, shows and seasons without files', () => {
  const src = sampleLibrary()
  const root = buildTree(src.movies(), src.shows(), { showEmpty: false })
  const all = paths(root)
  assert.ok(!all.includes('/Movies/Unassigned/'))
  assert.ok(!all.includes('/TV Shows/Empty Show/'))
  assert.ok(!all.includes('/TV Shows/Breaking Bad (2008)/Season 02/'))
  assert.ok(all.includes('/TV Shows/Breaking Bad (2008)/Season 00/'))
  assert.equal(all.length, 13)
})

test('an empty library still has Movies and TV Shows', () => {
  const root = buildTree([], [], { showEmpty: false })
  assert.deepEqual(paths(root), ['/', '/Movies/', '/TV Shows/'])
  assert.equal(root.entry.modified.toISOString(), '2000-01-01T00:00:00.000Z')
})

test('file entries: size, content type, stable dates and ETag', () => {
  const src = sampleLibrary()
  const root = buildTree(src.movies(), src.shows(), { showEmpty: true })
  const f = find(root, '/Movies/Fight Club (1999)/Fight Club (1999).mkv')
  assert.equal(f?.kind, 'file')
  assert.equal(f.entry.size, 3_000_001)
  assert.equal(f.entry.contentType, 'video/x-matroska')
  assert.equal(f.entry.modified.toISOString(), at(111).toISOString())
  assert.match(f.entry.etag ?? '', /^[0-9a-f]{40}$/)
  assert.equal(f.entry.etag, etagFor(f.assignment))
  assert.equal(find(root, '/Movies/Amélie - Le Fabuleux (2001)/Amélie - Le Fabuleux (2001).mp4')?.entry.contentType, 'video/mp4')
  assert.equal(find(root, '/TV Shows/Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02.srt')?.entry.contentType, 'application/x-subrip')
  assert.equal(find(root, '/TV Shows/Breaking Bad (2008)/Season 00/Breaking Bad (2008) - S00E01 - Good Cop - Bad Cop.avi')?.entry.contentType, 'video/x-msvideo')
  const folder = find(root, '/Movies/Fight Club (1999)')
  assert.equal(folder?.entry.modified.toISOString(), at(1).toISOString())
  assert.equal(folder.entry.kind, 'dir')
  assert.equal(folder.entry.size, 0)
  // building again gives identical entries (no clock, no randomness)
  const again = buildTree(src.movies(), src.shows(), { showEmpty: true })
  assert.deepEqual(paths(again), paths(root))
  assert.deepEqual(find(again, '/Movies/Fight Club (1999)/Fight Club (1999).mkv')?.entry, f.entry)
})

test('ETag depends on info hash, file index and size only', () => {
  const a = assignment(1, 'a.mkv', 100, 0)
  assert.equal(etagFor(a), etagFor({ ...a, id: 99, createdAt: at(5), filePath: 'other.mkv' }))
  assert.notEqual(etagFor(a), etagFor({ ...a, fileIndex: 1 }))
  assert.notEqual(etagFor(a), etagFor({ ...a, fileSize: 101 }))
  assert.equal(etagFor(a), etagFor({ ...a, infoHash: a.infoHash.toUpperCase() }))
})

test('duplicate titles and duplicate episode numbers get unique names by id order', () => {
  const movies = [
    { id: 5, title: 'Dune', year: 2021, createdAt: at(1), assignment: assignment(1, 'x.mkv', 1) },
    { id: 2, title: 'Dune', year: 2021, createdAt: at(1), assignment: assignment(2, 'y.mp4', 2) },
    { id: 7, title: '???', year: null, createdAt: at(1), assignment: null }
  ]
  const shows = [{
    id: 1,
    title: 'S',
    year: null,
    createdAt: at(1),
    seasons: [
      { id: 1, seasonNumber: 1, createdAt: at(1), episodes: [{ id: 2, episodeNumber: 1, name: 'A', createdAt: at(1), assignment: assignment(3, 'e.mkv', 3) }, { id: 1, episodeNumber: 1, name: 'A', createdAt: at(1), assignment: assignment(4, 'f.mkv', 4) }] },
      { id: 2, seasonNumber: 1, createdAt: at(1), episodes: [] },
      { id: 3, seasonNumber: 123, createdAt: at(1), episodes: [{ id: 9, episodeNumber: 1005, name: 'Long', createdAt: at(1), assignment: assignment(5, 'g.MP4', 5) }] }
    ]
  }]
  const root = buildTree(movies, shows, { showEmpty: true })
  const all = paths(root)
  assert.ok(all.includes('/Movies/Dune (2021)/Dune (2021).mp4'), all.join('\n'))
  assert.ok(all.includes('/Movies/Dune (2021) (2)/Dune (2021) (2).mkv'))
  assert.ok(all.includes('/Movies/Movie 7/'))
  assert.ok(all.includes('/TV Shows/S/Season 01/S - S01E01 - A.mkv'))
  assert.ok(all.includes('/TV Shows/S/Season 01/S - S01E01 - A (2).mkv'))
  assert.equal((find(root, '/TV Shows/S/Season 01/S - S01E01 - A.mkv') as { assignment: { id: number } }).assignment.id, 4)
  assert.ok(all.includes('/TV Shows/S/Season 01 (2)/'))
  assert.ok(all.includes('/TV Shows/S/Season 123/S - S123E1005 - Long.mp4'))
})
