import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LayoutCache, layoutKey, mergeRanges, type PlaybackLayout } from '../../src/streaming/container/index.ts'
import { tempDir } from '../helpers/app.ts'

const layout = (n: number): PlaybackLayout => ({
  format: 'unknown', ranges: [{ offset: 0, length: n, reason: 'head', reasons: ['head'] }], mediaOffset: null, reads: 1, bytesRead: n, details: { why: 'test' }
})

test('mergeRanges clamps, sorts, merges overlapping and touching ranges, keeps reasons', () => {
  const merged = mergeRanges([
    { offset: 900, length: 500, reason: 'tail' },
    { offset: 0, length: 100, reason: 'header' },
    { offset: 50, length: 100, reason: 'tracks' },
    { offset: 150, length: 10, reason: 'cues' },
    { offset: 400, length: 0, reason: 'index' },
    { offset: -10, length: 5, reason: 'head' },
    { offset: 300, length: Number.NaN, reason: 'moov' }
  ], 1000)
  assert.deepEqual(merged, [
    { offset: 0, length: 160, reason: 'header', reasons: ['header', 'tracks', 'cues'] },
    { offset: 900, length: 100, reason: 'tail', reasons: ['tail'] }
  ])
})

test('layoutKey is stable and case-insensitive in the info hash', () => {
  assert.equal(layoutKey('ABCDEF', 2, 1000), 'abcdef:2:1000')
})

test('LRU: bounded, get refreshes recency', () => {
  const c = new LayoutCache({ max: 2 })
  c.set('a', layout(1))
  c.set('b', layout(2))
  assert.equal(c.get('a')?.bytesRead, 1) // a is now the most recent
  c.set('c', layout(3))
  assert.equal(c.get('b'), undefined)
  assert.equal(c.size, 2)
  assert.ok(c.get('a') !== undefined && c.get('c') !== undefined)
  assert.throws(() => new LayoutCache({ max: 0 }), RangeError)
})

test('getOrLocate: one probe for concurrent opens, then served from memory; failures are not cached', async () => {
  const c = new LayoutCache({ max: 10 })
  let probes = 0
  const locate = async (): Promise<PlaybackLayout> => { probes++; await new Promise((resolve) => setImmediate(resolve)); return layout(7) }
  const [x, y] = await Promise.all([c.getOrLocate('k', locate), c.getOrLocate('k', locate)])
  assert.equal(probes, 1)
  assert.equal(x, y)
  await c.getOrLocate('k', locate)
  assert.equal(probes, 1)
  const boom = new Error('read failed')
  await assert.rejects(c.getOrLocate('bad', async () => { throw boom }), (e) => e === boom)
  assert.equal(c.get('bad'), undefined)
  assert.equal((await c.getOrLocate('bad', locate)).bytesRead, 7)
})

test('save and load a JSON file; corrupt or foreign files load nothing', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'sub', 'layouts.json')
  const a = new LayoutCache({ max: 10, path })
  assert.equal(await a.load(), 0) // missing file
  a.set('x', layout(1))
  a.set('y', layout(2))
  await a.save()
  const b = new LayoutCache({ max: 10, path })
  assert.equal(await b.load(), 2)
  assert.deepEqual(b.get('y'), layout(2))
  // LRU order survives: loading into a cache of one keeps the most recent
  const small = new LayoutCache({ max: 1, path })
  await small.load()
  assert.ok(small.get('y') !== undefined && small.get('x') === undefined)

  writeFileSync(path, '{not json')
  assert.equal(await new LayoutCache({ max: 10, path }).load(), 0)
  writeFileSync(path, JSON.stringify({ version: 1, entries: [['ok', layout(3)], ['bad', { format: 'exe', ranges: [] }], 'junk'] }))
  const c = new LayoutCache({ max: 10, path })
  assert.equal(await c.load(), 1)
  assert.equal(c.get('bad'), undefined)
  assert.match(readFileSync(path, 'utf8'), /"ok"/)
  await new LayoutCache({ max: 1 }).save() // no path: a no-op
})
