import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { loadConfig, ConfigError } from '../../src/config/load.ts'
import { defaults } from '../../src/config/schema.ts'
import { tempDir } from '../helpers/app.ts'

test('embedded defaults load and match the SPEC defaults', () => {
  const c = loadConfig({ env: {} })
  assert.equal(c.server.host, '127.0.0.1')
  assert.equal(c.server.port, 4444)
  assert.equal(c.torrent.global_cache_size, 4096)
  assert.equal(c.streaming.readahead_bytes, 33554432)
  assert.ok(Object.isFrozen(c.torrent))
})

test('YAML file, then environment, then overrides', (t) => {
  const dir = tempDir(t)
  const file = `${dir}/c.yaml`
  writeFileSync(file, 'server:\n  port: 5000\ntorrent:\n  read_timeout: 30\n  trackers: ["udp://127.0.0.1:6969"]\n')
  const c = loadConfig({ file, env: { MOMOSHTREM_SERVER_PORT: '6000', MOMOSHTREM_TORRENT_GLOBAL_CACHE_SIZE: '2048', MOMOSHTREM_TORRENT_DHT: 'false' } })
  assert.equal(c.server.port, 6000)
  assert.equal(c.torrent.read_timeout, 30)
  assert.equal(c.torrent.global_cache_size, 2048)
  assert.equal(c.torrent.dht, false)
  assert.deepEqual(c.torrent.trackers, ['udp://127.0.0.1:6969'])
})

test('every bad value is listed in one error', (t) => {
  const dir = tempDir(t)
  const file = `${dir}/c.yaml`
  writeFileSync(file, 'server:\n  port: 99999\n  colour: red\ntorrent:\n  add_timeout: -1\n  encryption: maybe\nbogus: {}\n')
  let err: unknown
  try {
    loadConfig({ file, env: { MOMOSHTREM_TORRENT_DHT: 'perhaps', MOMOSHTREM_NOPE_X: '1' } })
  } catch (e) { err = e }
  assert.ok(err instanceof ConfigError)
  const text = err.problems.join('\n')
  for (const needle of ['server.port', 'server.colour', 'torrent.add_timeout', 'torrent.encryption', '"bogus"', 'MOMOSHTREM_TORRENT_DHT', 'MOMOSHTREM_NOPE_X']) {
    assert.ok(text.includes(needle), `missing ${needle} in:\n${text}`)
  }
  assert.equal(err.problems.length, 7)
})

test('a non-loopback host without credentials is refused unless allowed explicitly', () => {
  assert.throws(() => loadConfig({ env: {}, overrides: { server: { host: '0.0.0.0' } } }), /allow_anonymous_remote/)
  assert.doesNotThrow(() => loadConfig({ env: {}, overrides: { server: { host: '0.0.0.0' }, auth: { allow_anonymous_remote: true } } }))
  assert.doesNotThrow(() => loadConfig({ env: {}, overrides: { server: { host: '0.0.0.0' }, auth: { username: 'u', password: 'p' } } }))
  assert.doesNotThrow(() => loadConfig({ env: {}, overrides: { server: { host: '::1' } } }))
  assert.throws(() => loadConfig({ env: {}, overrides: { auth: { username: 'u' } } }), /both/)
})

test('unreadable or malformed YAML names the file', (t) => {
  const dir = tempDir(t)
  writeFileSync(`${dir}/bad.yaml`, 'server: [unclosed\n')
  assert.throws(() => loadConfig({ file: `${dir}/bad.yaml`, env: {} }), /bad\.yaml/)
  assert.throws(() => loadConfig({ file: `${dir}/missing.yaml`, env: {} }), /missing\.yaml/)
  assert.equal(defaults.server.port, 4444, 'defaults are never mutated')
})

test('nested mappings (subtitles.opensubtitles): merged key by key, from YAML and environment, validated, secrets never shown', (t) => {
  const file = `${tempDir(t)}/c.yaml`
  writeFileSync(file, 'subtitles:\n  languages: [en, pt-BR]\n  opensubtitles:\n    api_key: k1\n    timeout: 5\n')
  const c = loadConfig({ file, env: { MOMOSHTREM_SUBTITLES_OPENSUBTITLES_USER_AGENT: 'me v1' } })
  assert.deepEqual(c.subtitles.languages, ['en', 'pt-BR'])
  assert.deepEqual(c.subtitles.opensubtitles, { ...defaults.subtitles.opensubtitles, api_key: 'k1', timeout: 5, user_agent: 'me v1' })

  writeFileSync(file, 'subtitles:\n  languages: [english]\n  opensubtitles:\n    api_kee: x\n    password: s3cret!\n    timeout: 0\n')
  try {
    loadConfig({ file, env: { MOMOSHTREM_SUBTITLES_OPENSUBTITLES_NOPE: '1' } })
    assert.fail('expected a ConfigError')
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    const text = err.problems.join('\n')
    assert.match(text, /unknown key "subtitles\.opensubtitles\.api_kee"/)
    assert.match(text, /subtitles\.languages: .* ISO 639-1/)
    assert.match(text, /subtitles\.opensubtitles\.timeout/)
    assert.match(text, /set both username and password/)
    assert.match(text, /unknown variable MOMOSHTREM_SUBTITLES_OPENSUBTITLES_NOPE/)
    assert.doesNotMatch(text, /s3cret/)
  }
})

test('indexers: a list of mappings with required keys, defaults for the rest, unique names', (t) => {
  const file = `${tempDir(t)}/c.yaml`
  writeFileSync(file, 'indexers:\n  - name: a\n    url: http://127.0.0.1:9696/1/api\n    api_key: k\n  - name: b\n    url: http://127.0.0.1:9117/api/v2.0/indexers/all/results/torznab/api\n    api_key: k2\n    categories: [2000, 5040]\n    timeout: 4\n')
  const c = loadConfig({ file, env: {} })
  assert.deepEqual(c.indexers.map((i) => [i.name, i.categories, i.timeout]), [['a', [], 15], ['b', [2000, 5040], 4]])
  writeFileSync(file, 'indexers:\n  - name: a\n    url: ftp://x\n    api_key: k\n    categories: [x]\n  - name: a\n    url: http://127.0.0.1/\n    apikey: k\n  - 7\n')
  assert.throws(() => loadConfig({ file, env: {} }), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    const text = err.problems.join('\n')
    for (const re of [/indexers\[0\]\.url/, /indexers\[0\]\.categories/, /unknown key "indexers\[1\]\.apikey"/, /indexers\[1\]: api_key is required/, /indexers\[1\]: name "a" is used twice/, /indexers\[2\] must be a mapping/]) assert.match(text, re)
    return true
  })
})
