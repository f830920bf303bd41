// The season-pack plan: one action per episode in scope, files the show has no episode for,
// and what is stored (assign/replace only).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { planPack, toStore } from '../../src/assignments/pack-plan.ts'
import type { Assignment, ShowEpisodeSlot } from '../../src/assignments/types.ts'
import type { FileMatch, Identification } from '../../src/packs/types.ts'

const HASH = 'a'.repeat(40)
const quality = { resolution: '1080p', source: null, codec: null, hdr: null, audio: null }

function slot (season: number, episode: number, active: Partial<Assignment> | null = null): ShowEpisodeSlot {
  return {
    episodeId: season * 100 + episode,
    season,
    episode,
    name: `E${episode}`,
    airDate: null,
    active: active === null ? null : { id: 900 + episode, itemType: 'episode', itemId: season * 100 + episode, infoHash: HASH, magnetUri: '', filePath: 'x', fileIndex: 0, fileSize: 1, resolution: null, source: null, isActive: true, createdAt: new Date(0), deactivatedAt: null, ...active }
  }
}

function match (fileIndex: number, season: number, episodes: number[], confidence: FileMatch['confidence'] = 'high'): FileMatch {
  return { path: `p${fileIndex}.mkv`, fileIndex, episodes: episodes.map((e) => ({ season, episode: e })), confidence, reason: 'r', quality }
}

const sizes = [10, 11, 12, 13, 14, 15]

test('plan: assign, multi-episode, review, missing, keep vs replace, same file', () => {
  const found: Identification = {
    matches: [match(0, 1, [1]), match(1, 1, [2, 3]), match(2, 1, [4], 'low'), match(3, 1, [6]), match(4, 1, [9])],
    ignored: [{ path: 'Sample/s.mkv', fileIndex: 5, reason: 'sample' }]
  }
  const slots = [slot(1, 1), slot(1, 2), slot(1, 3), slot(1, 4), slot(1, 5), slot(1, 6, { fileIndex: 7 }), slot(2, 1)]
  const plan = planPack(found, slots, sizes, { infoHash: HASH, replace: false })
  assert.deepEqual(plan.episodes.map((e) => [e.slot.episode, e.action, e.file?.fileIndex ?? null]),
    [[1, 'assign', 0], [2, 'assign', 1], [3, 'assign', 1], [4, 'review', 2], [5, 'missing', null], [6, 'keep', 3]],
    'season 2 is out of scope: the torrent has nothing for it')
  assert.deepEqual(plan.unmatched.map((f) => [f.fileIndex, f.size]), [[4, 14], [5, 15]])
  assert.match(plan.unmatched[0]!.reason, /no such episode/)
  assert.deepEqual(toStore(plan).map((e) => e.slot.episode), [1, 2, 3])

  const replacing = planPack(found, slots, sizes, { infoHash: HASH, replace: true })
  assert.equal(replacing.episodes.find((e) => e.slot.episode === 6)!.action, 'replace')
  assert.deepEqual(toStore(replacing).map((e) => e.slot.episode), [1, 2, 3, 6])

  const same = planPack(found, [slot(1, 6, { fileIndex: 3 })], sizes, { infoHash: HASH, replace: true })
  assert.equal(same.episodes[0]!.action, 'same', 'already this file: nothing to store')
  const otherTorrent = planPack(found, [slot(1, 6, { fileIndex: 3, infoHash: 'b'.repeat(40) })], sizes, { infoHash: HASH, replace: false })
  assert.equal(otherTorrent.episodes[0]!.action, 'keep')
})

test('plan: a requested season scopes the episodes even when the torrent has nothing for it', () => {
  const found: Identification = { matches: [match(0, 1, [1])], ignored: [] }
  const plan = planPack(found, [slot(1, 1), slot(2, 1), slot(2, 2)], sizes, { infoHash: HASH, season: 2, replace: false })
  assert.deepEqual(plan.episodes.map((e) => [e.slot.season, e.slot.episode, e.action]), [[2, 1, 'missing'], [2, 2, 'missing']])
  assert.deepEqual(toStore(plan), [])
})
