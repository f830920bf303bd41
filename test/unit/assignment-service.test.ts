// AssignmentService against a fake repository and a fake torrent service: what it publishes.
// An assign that stores publishes `assigned` (and `unassigned` for the item's previous file),
// one that fails (422: no file to choose) publishes nothing and removes the torrent it added,
// an unassign publishes `unassigned`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AssignmentService, type AssignmentStore, type SwarmJoiner } from '../../src/assignments/service.ts'
import type { Assignment, ItemType, NewAssignment } from '../../src/assignments/types.ts'
import { UnprocessableError } from '../../src/errors.ts'
import { createLogger } from '../../src/logger.ts'
import type { Torrent, TorrentFileInfo } from '../../src/torrent/types.ts'

const HASH = 'c'.repeat(40)
const MAGNET = `magnet:?xt=urn:btih:${HASH}`

/** The rows of torrent_assignments, in memory; items 1..9 exist. */
function fakeRepo (): AssignmentStore & { rows: Assignment[] } {
  const rows: Assignment[] = []
  return {
    rows,
    itemExists: (_type: ItemType, id: number) => id >= 1 && id <= 9,
    episodeNumbers: () => null,
    create (itemType: ItemType, itemId: number, a: NewAssignment, now = new Date()): Assignment {
      for (const r of rows) if (r.itemType === itemType && r.itemId === itemId && r.isActive) Object.assign(r, { isActive: false, deactivatedAt: now })
      const row: Assignment = { ...a, id: rows.length + 1, itemType, itemId, resolution: a.resolution ?? null, source: a.source ?? null, isActive: true, createdAt: now, deactivatedAt: null }
      rows.push(row)
      return { ...row }
    },
    getActive: (itemType: ItemType, itemId: number) => rows.find((r) => r.itemType === itemType && r.itemId === itemId && r.isActive) ?? null,
    activeByHash: (infoHash: string) => rows.filter((r) => r.infoHash === infoHash && r.isActive),
    deactivate (id: number): boolean {
      const r = rows.find((x) => x.id === id && x.isActive)
      if (r !== undefined) r.isActive = false
      return r !== undefined
    }
  }
}

/** One torrent with these files, loaded by the first getOrAddTorrent. */
function fakeTorrents (paths: string[]): SwarmJoiner & { loaded: boolean, removed: string[] } {
  const files: TorrentFileInfo[] = paths.map((path, index) => ({ index, path, length: 1000 + index, offset: index * 2000 }))
  const torrent = { info: { infoHash: HASH, name: 'Pack', files, length: 0, pieceLength: 16384, pieceCount: 1 } } as unknown as Torrent
  const fake = {
    loaded: false,
    removed: [] as string[],
    getTorrent: () => fake.loaded ? torrent : undefined,
    getOrAddTorrent: async () => { fake.loaded = true; return torrent },
    removeTorrent: async (h: string) => { fake.loaded = false; fake.removed.push(h) }
  }
  return fake
}

function setup (paths: string[]) {
  const repo = fakeRepo()
  const torrents = fakeTorrents(paths)
  const service = new AssignmentService(repo, torrents, createLogger('silent'))
  const published: Array<[string, Assignment]> = []
  service.events.subscribe({
    assigned: (a) => { published.push(['assigned', a]) },
    unassigned: (a) => { published.push(['unassigned', a]) }
  })
  return { repo, torrents, service, published }
}

test('assign publishes the stored assignment as assigned', async () => {
  const s = setup(['Pack/Movie.mkv', 'Pack/Sample/sample.mkv'])
  const a = await s.service.assign('movie', 1, { magnet_uri: MAGNET })
  assert.equal(a.filePath, 'Pack/Movie.mkv')
  assert.deepEqual(s.published, [['assigned', a]])
})

test('a re-assign publishes the previous file as unassigned, then the new one as assigned', async () => {
  const s = setup(['Pack/A.mkv', 'Pack/B.mkv'])
  const first = await s.service.assign('movie', 1, { magnet_uri: MAGNET, file_path: 'A.mkv' })
  const second = await s.service.assign('movie', 1, { magnet_uri: MAGNET, file_path: 'Pack/B.mkv' })
  assert.deepEqual(s.published.map(([kind, a]) => [kind, a.id, a.isActive]), [
    ['assigned', first.id, true], ['unassigned', first.id, false], ['assigned', second.id, true]
  ])
})

test('a 422 publishes nothing and removes the torrent added for it', async () => {
  const s = setup(['Pack/A.mkv', 'Pack/B.mkv'])
  await assert.rejects(s.service.assign('movie', 1, { magnet_uri: MAGNET }), UnprocessableError)
  await assert.rejects(s.service.assign('movie', 1, { magnet_uri: MAGNET, file_path: 'C.mkv' }), UnprocessableError)
  assert.deepEqual(s.published, [])
  assert.deepEqual(s.repo.rows, [])
  assert.deepEqual(s.torrents.removed, [HASH, HASH])
})

test('unassign publishes the deactivated assignment as unassigned', async () => {
  const s = setup(['Pack/Movie.mkv'])
  const a = await s.service.assign('episode', 2, { magnet_uri: MAGNET })
  s.published.length = 0
  const res = await s.service.unassign('episode', 2, false)
  assert.equal(res.torrentRemoved, false)
  assert.equal(s.published.length, 1)
  const [kind, gone] = s.published[0]!
  assert.equal(kind, 'unassigned')
  assert.equal(gone.id, a.id)
  assert.equal(gone.isActive, false)
  assert.ok(gone.deactivatedAt instanceof Date)
  assert.equal(s.repo.getActive('episode', 2), null)
})
