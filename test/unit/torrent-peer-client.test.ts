import { test } from 'node:test'
import assert from 'node:assert/strict'
import { peerClient } from '../../src/torrent/peer-client.ts'
import { pieceMap } from '../../src/torrent/piece-map.ts'

const id = (prefix: string): string => Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.alloc(20 - prefix.length, 0x41)]).toString('hex')

test('peerClient: the extended handshake first, then the Azureus-style peer id, cleaned and bounded', () => {
  assert.equal(peerClient(new TextEncoder().encode('qBittorrent/4.6.3'), id('-qB4630-')), 'qBittorrent/4.6.3')
  assert.equal(peerClient('Transmission 4.0.5', null), 'Transmission 4.0.5')
  assert.equal(peerClient(undefined, id('-TR4050-')), 'Transmission 4.0.5.0')
  assert.equal(peerClient(undefined, id('-UT355W-')), 'µTorrent 3.5.5.32', 'letters are versions above 9')
  assert.equal(peerClient(undefined, id('-ZZ0001-')), 'ZZ 0.0.0.1', 'an unknown code is shown as it is')
  assert.equal(peerClient(undefined, id('M7-2-2--')), null, 'Mainline style is not read')
  assert.equal(peerClient(undefined, null), null)
  assert.equal(peerClient(undefined, 'zz'), null)
  assert.equal(peerClient(Buffer.from('evil\u0000\u001b[31m\nclient'), null), 'evil[31mclient')
  assert.equal(peerClient('x'.repeat(500), null)?.length, 64)
  assert.equal(peerClient('  ', id('-DE2110-')), 'Deluge 2.1.1.0', 'a blank v says nothing: the id does')
  assert.equal(peerClient(42, id('-DE2110-')), 'Deluge 2.1.1.0', 'a v that is no text falls back to the id')
})

test('pieceMap: cached, pinned, fetching, missing', () => {
  const s = { pieceCount: 5, cached: (i: number) => i < 2, pinned: (i: number) => i === 1 || i === 4, fetching: (i: number) => i === 2 || i === 1 }
  assert.equal(pieceMap(s), '12300')
  assert.equal(pieceMap({ ...s, pieceCount: 0 }), '')
})
