// Pins of a multi-episode file: the episodes it backs share one pin (held until the last of
// them is released), so the file's head and index count once against the pin budget.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AssignmentPins } from '../../src/streaming/pins.ts'
import type { Torrent } from '../../src/torrent/types.ts'
import type { TreeAssignment } from '../../src/library/tree-model.ts'
import { fake } from '../helpers/fakes.ts'

const HASH = 'c'.repeat(40)

function counting (): { torrent: Torrent, live: () => number } {
  let live = 0
  const torrent = fake<Torrent>({
    prefetch: () => {
      live++
      let released = false
      return { release () { if (!released) { released = true; live-- } } }
    }
  })
  return { torrent, live: () => live }
}

const assignment = (id: number, fileIndex = 3): TreeAssignment => ({ id, infoHash: HASH, magnetUri: '', filePath: 'f.mkv', fileIndex, fileSize: 1000, createdAt: new Date(0) })
const head = [{ offset: 0, length: 100 }, { offset: 900, length: 100 }]

test('two episodes of one file share a pin; it goes with the last of them', () => {
  const { torrent, live } = counting()
  const pins = new AssignmentPins(() => 250)
  assert.equal(pins.pin(assignment(1), torrent, head, head), 200)
  assert.equal(pins.pin(assignment(2), torrent, head, head), 200)
  assert.equal(pins.bytes, 200, 'counted once against the budget')
  assert.equal(pins.fileBytes(HASH, 3), 200)
  assert.equal(live(), 2, 'one set of handles')
  // a third file still finds the room the shared pin left
  assert.equal(pins.pin(assignment(3, 4), torrent, [{ offset: 0, length: 50 }], []), 50)
  pins.release(1)
  assert.ok(pins.has(2))
  assert.equal(pins.bytes, 250)
  assert.equal(live(), 3, 'episode 2 still holds the file')
  pins.release(2)
  assert.equal(pins.bytes, 50)
  assert.equal(live(), 1)
  pins.releaseAll()
  assert.equal(live(), 0)
})
