import { test } from 'node:test'
import assert from 'node:assert/strict'
import { extensionOf, sanitizeName, uniqueNames } from '../../src/vfs/names.ts'

test('colon becomes " -", slashes and pipes become "-", quotes become apostrophes', () => {
  assert.equal(sanitizeName('Alien: Romulus'), 'Alien - Romulus')
  assert.equal(sanitizeName('Alien : Romulus'), 'Alien - Romulus')
  assert.equal(sanitizeName('Face/Off'), 'Face-Off')
  assert.equal(sanitizeName('AC\\DC | Live'), 'AC-DC - Live')
  assert.equal(sanitizeName('The "Best" Show'), "The 'Best' Show")
})

test('< > ? * and control characters are removed, spaces collapse', () => {
  assert.equal(sanitizeName('What If...?'), 'What If')
  assert.equal(sanitizeName('<Star*> Wars?'), 'Star Wars')
  assert.equal(sanitizeName('a\u0000b\u0007c\u009f'), 'abc')
  assert.equal(sanitizeName('x\ud800y\udc00z\ufffe'), 'xyz', 'lone surrogates and non-characters break XML')
  assert.equal(sanitizeName('emoji 🎬'), 'emoji 🎬')
  assert.equal(sanitizeName('two\tlines\nhere'), 'two lines here')
  assert.equal(sanitizeName('  lots    of   space  '), 'lots of space')
})

test('trailing dots and spaces are trimmed; the result is never empty', () => {
  assert.equal(sanitizeName('Se7en...'), 'Se7en')
  assert.equal(sanitizeName('Dots . . .'), 'Dots')
  assert.equal(sanitizeName('???'), 'Untitled')
  assert.equal(sanitizeName('...', 'Movie 7'), 'Movie 7')
  assert.equal(sanitizeName(''), 'Untitled')
  assert.equal(sanitizeName('._Hidden'), '_Hidden', 'never looks like an AppleDouble probe')
  assert.equal(sanitizeName('.hack - Sign'), '.hack - Sign')
})

test('non-ASCII is kept; NFD input comes out NFC', () => {
  assert.equal(sanitizeName('Amélie'), 'Amélie')
  const nfd = 'Ame\u0301lie'
  const out = sanitizeName(nfd)
  assert.equal(out, 'Am\u00e9lie')
  assert.equal(out, out.normalize('NFC'))
  assert.equal(sanitizeName('千と千尋の神隠し'), '千と千尋の神隠し')
  assert.equal(sanitizeName('Шерлок: Сезон'), 'Шерлок - Сезон')
})

test('very long names are cut to 200 bytes without splitting a character', () => {
  const out = sanitizeName('é'.repeat(150))
  assert.ok(Buffer.byteLength(out) <= 200)
  assert.equal(out, 'é'.repeat(100))
})

test('extensions are lowercased and only plain ones are kept', () => {
  assert.equal(extensionOf('Dir/Movie.MKV'), 'mkv')
  assert.equal(extensionOf('movie.mp4'), 'mp4')
  assert.equal(extensionOf('noext'), '')
  assert.equal(extensionOf('.hidden'), '')
  assert.equal(extensionOf('a/b.c/file'), '')
  assert.equal(extensionOf('weird.m k v'), '')
})

test('duplicates get " (2)", " (3)" in id order, before the extension, case-insensitively', () => {
  const names = uniqueNames([
    { id: 9, base: 'Dune (2021)', ext: '' },
    { id: 3, base: 'Dune (2021)', ext: '' },
    { id: 5, base: 'dune (2021)', ext: '' },
    { id: 1, base: 'Other', ext: '' }
  ])
  assert.equal(names.get(3), 'Dune (2021)')
  assert.equal(names.get(5), 'dune (2021) (2)')
  assert.equal(names.get(9), 'Dune (2021) (3)')
  assert.equal(names.get(1), 'Other')
  const files = uniqueNames([{ id: 1, base: 'Ep', ext: 'mkv' }, { id: 2, base: 'Ep', ext: 'mkv' }, { id: 3, base: 'Ep', ext: 'srt' }])
  assert.deepEqual([...files.values()], ['Ep.mkv', 'Ep (2).mkv', 'Ep.srt'])
})

test('a generated suffix never takes a name another entry has naturally', () => {
  const names = uniqueNames([
    { id: 1, base: 'X', ext: '' },
    { id: 2, base: 'X', ext: '' },
    { id: 3, base: 'X (2)', ext: '' }
  ])
  assert.equal(names.get(2), 'X (3)')
  assert.equal(names.get(3), 'X (2)')
  // NFD and NFC spellings of the same name collide
  const n = uniqueNames([{ id: 1, base: 'Am\u00e9lie', ext: '' }, { id: 2, base: 'Ame\u0301lie', ext: '' }])
  assert.equal(n.get(2), 'Ame\u0301lie (2)')
})
