import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseMagnet } from '../../src/torrent/magnet.ts'
import { InvalidInputError } from '../../src/errors.ts'

const HEX = 'c9e15763f722f23e98a29decdfae341b98d53056'

test('parameter names are case-insensitive: XT=, TR=, X.PE= are the same keys', () => {
  const m = parseMagnet(`magnet:?XT=urn:BTIH:${HEX.toUpperCase()}&DN=A+Film&TR=udp%3A%2F%2Ft.example%3A80&X.PE=127.0.0.1:6881`)
  assert.equal(m.infoHash, HEX)
  assert.equal(m.name, 'A Film')
  assert.deepEqual(m.trackers, ['udp://t.example:80'])
  assert.deepEqual(m.peers, ['127.0.0.1:6881'])
})

test('trackers and peer hints keep their order without duplicates; undialable hints are dropped', () => {
  const m = parseMagnet(`magnet:?xt=urn:btih:${HEX}&tr=http://a/ann&tr=udp://b:1&tr=http://a/ann` +
    '&x.pe=10.0.0.1:1&x.pe=[::1]:51413&x.pe=10.0.0.1:1&x.pe=nope&x.pe=host:0&x.pe=host:70000&x.pe=seed.example:6881')
  assert.deepEqual(m.trackers, ['http://a/ann', 'udp://b:1'])
  assert.deepEqual(m.peers, ['10.0.0.1:1', '[::1]:51413', 'seed.example:6881'])
})

test('malformed parts are a 400 naming the part, never a decoder exception', () => {
  const cases: Array<[string, RegExp]> = [
    [`magnet:?xt=urn:btih:${HEX}&dn=%E0%A4%A`, /percent-encoded/],
    [`magnet:?xt=urn:btih:${HEX}&tr=%zz`, /percent-encoded/],
    [`magnet:?xt=urn:btih:${HEX}&tr=file:///etc/passwd`, /tracker/],
    ['magnet:?xt=urn:btih:', /not an info hash/],
    ['magnet:?', /xt=urn:btih/],
    ['magnet:?xt=urn:btmh:1220abcd', /v2-only/]
  ]
  for (const [input, re] of cases) {
    assert.throws(() => parseMagnet(input), (err: unknown) => err instanceof InvalidInputError && re.test(err.message), input)
  }
})

test('a bare hash becomes a magnet', () => {
  assert.deepEqual(parseMagnet(` ${HEX.toUpperCase()} `), { infoHash: HEX, uri: `magnet:?xt=urn:btih:${HEX}`, name: undefined, trackers: [], peers: [] })
})
