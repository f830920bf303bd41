// Pure parts of the WebDAV server: Range / If-Range parsing, path decoding, href encoding.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ifRangeAllows, parseRange } from '../../src/webdav/range.ts'
import { decodeDavPath, encodeSegment, hrefFor, isNoisePath } from '../../src/webdav/paths.ts'

test('parseRange: the three forms, clamping, 416 cases, and malformed headers as full', () => {
  assert.deepEqual(parseRange('bytes=0-99', 1000), { kind: 'partial', start: 0, end: 99 })
  assert.deepEqual(parseRange('bytes=900-', 1000), { kind: 'partial', start: 900, end: 999 })
  assert.deepEqual(parseRange('bytes=-100', 1000), { kind: 'partial', start: 900, end: 999 })
  assert.deepEqual(parseRange('bytes=-5000', 1000), { kind: 'partial', start: 0, end: 999 })
  assert.deepEqual(parseRange('bytes=990-5000', 1000), { kind: 'partial', start: 990, end: 999 })
  assert.deepEqual(parseRange('bytes=1-2, 5-6', 1000), { kind: 'partial', start: 1, end: 2 })
  for (const h of ['bytes=1000-', 'bytes=1000-1001', 'bytes=-0']) assert.deepEqual(parseRange(h, 1000), { kind: 'unsatisfiable' }, h)
  assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' })
  for (const h of [undefined, '', 'bytes=', 'bytes=-', 'bytes=5-1', 'lines=1-2', 'bytes=a-b', 'bytes=0x10-', 'bytes=1.5-2', 'bytes=99999999999999999999-']) {
    assert.deepEqual(parseRange(h, 1000), { kind: 'full' }, String(h))
  }
})

test('ifRangeAllows: strong ETag match, exact second of Last-Modified, nothing else', () => {
  const lm = new Date('2024-03-01T11:51:00Z')
  assert.equal(ifRangeAllows(undefined, '"abc"', lm), true)
  assert.equal(ifRangeAllows('"abc"', '"abc"', lm), true)
  assert.equal(ifRangeAllows('"abd"', '"abc"', lm), false)
  assert.equal(ifRangeAllows('W/"abc"', '"abc"', lm), false)
  assert.equal(ifRangeAllows(lm.toUTCString(), '"abc"', lm), true)
  assert.equal(ifRangeAllows(new Date(lm.getTime() + 1000).toUTCString(), '"abc"', lm), false)
  assert.equal(ifRangeAllows('garbage', '"abc"', lm), false)
})

test('decodeDavPath: encodings, NFC, doubled slashes, query strings, bad escapes', () => {
  assert.deepEqual(decodeDavPath('/dav', '/dav'), { sent: [], vfsPath: '/' })
  assert.deepEqual(decodeDavPath('/dav/', '/dav'), { sent: [], vfsPath: '/' })
  assert.deepEqual(decodeDavPath('//dav//a%20(1)//b%28c%29/?x=1', '/dav'), { sent: ['a (1)', 'b(c)'], vfsPath: '/a (1)/b(c)' })
  const nfd = 'Ame\u0301lie'
  assert.deepEqual(decodeDavPath(`/dav/${encodeURIComponent(nfd)}`, '/dav'), { sent: [nfd], vfsPath: '/Am\u00e9lie' })
  assert.equal(decodeDavPath('/dav/%E0%A4%A', '/dav'), null)
  assert.equal(decodeDavPath('/other/x', '/dav'), null)
})

test('hrefs encode every reserved character and end collections with a slash', () => {
  assert.equal(encodeSegment("a (1) ! * ' [x] #?%&+,;=é"), 'a%20%281%29%20%21%20%2A%20%27%20%5Bx%5D%20%23%3F%25%26%2B%2C%3B%3D%C3%A9')
  assert.equal(hrefFor('/dav', [], true), '/dav/')
  assert.equal(hrefFor('/dav', ['TV Shows', 'A (2008)'], true), '/dav/TV%20Shows/A%20%282008%29/')
  assert.equal(hrefFor('/dav', ['Movies', 'x.mkv'], false), '/dav/Movies/x.mkv')
  // round trip
  const name = "100% Wolf & [Friends]'s #1 (2020)"
  assert.deepEqual(decodeDavPath(hrefFor('/dav', ['Movies', name], true), '/dav')?.sent, ['Movies', name])
})

test('noise paths', () => {
  for (const p of [['._x'], ['a', '.DS_Store'], ['.Spotlight-V100', 'Store-V2'], ['.metadata_never_index'], ['.Trashes'], ['Desktop.ini'], ['thumbs.db']]) {
    assert.equal(isNoisePath(p), true, p.join('/'))
  }
  for (const p of [[], ['Movies'], ['.hack - Sign (2002)'], ['_x']]) assert.equal(isNoisePath(p), false, p.join('/'))
})
