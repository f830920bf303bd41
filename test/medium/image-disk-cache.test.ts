// The image cache on a real folder: atomic files, least recently used evicted past the budget,
// the index rebuilt from the folder after a restart (oldest first), crash leftovers removed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { ImageDiskCache } from '../../src/images/disk-cache.ts'
import { tempDir } from '../helpers/app.ts'

const log = pino({ level: 'silent' })
const img = (n: number, fill: number): Buffer => Buffer.alloc(n, fill)

test('past the budget the least recently used images go; a restart keeps the order by age', async (t) => {
  const folder = join(tempDir(t), 'images')
  const cache = new ImageDiskCache(folder, 100, log)
  assert.equal(await cache.get('w92', 'a.jpg'), null)
  await cache.put('w92', 'a.jpg', img(40, 1))
  await cache.put('w342', 'b.png', img(40, 2))
  assert.ok((await cache.get('w92', 'a.jpg'))!.equals(img(40, 1)), 'a is now the most recently used')
  await cache.put('w92', 'c.webp', img(40, 3))
  assert.equal(await cache.get('w342', 'b.png'), null, 'b, least recently used, was evicted')
  assert.equal(existsSync(join(folder, 'w342', 'b.png')), false)
  assert.ok((await cache.get('w92', 'a.jpg'))!.equals(img(40, 1)))
  assert.equal(cache.bytes, 80)
  assert.deepEqual(readdirSync(join(folder, 'w92')).sort(), ['a.jpg', 'c.webp'], 'no temp files')

  // a restart: the folder is the index, oldest modified first; leftovers of a crash go
  utimesSync(join(folder, 'w92', 'c.webp'), new Date(2000, 0, 1), new Date(2000, 0, 1))
  writeFileSync(join(folder, 'w92', '.d.jpg.0123456789ab.tmp'), 'half')
  mkdirSync(join(folder, 'original'))
  writeFileSync(join(folder, 'original', 'not an image'), 'x')
  const again = new ImageDiskCache(folder, 100, log)
  await again.put('original', 'e.jpg', img(40, 5))
  assert.equal(await again.get('w92', 'c.webp'), null, 'c was the oldest on disk')
  assert.ok((await again.get('w92', 'a.jpg'))!.equals(img(40, 1)))
  assert.equal(again.bytes, 80)
  assert.equal(existsSync(join(folder, 'w92', '.d.jpg.0123456789ab.tmp')), false)
  // one image larger than the budget is still served and kept alone
  await again.put('original', 'big.jpg', img(150, 6))
  assert.ok((await again.get('original', 'big.jpg'))!.equals(img(150, 6)))
  assert.equal(again.bytes, 150)
})
