// The WebDAV server inside the real app (createApp): the empty library's root, and how
// Basic auth and OPTIONS interplay (Finder mounts fail when OPTIONS asks for credentials).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startApp } from '../helpers/app.ts'
import { dav, okProps, parseMultistatus } from '../helpers/dav.ts'

test('an empty library publishes /dav/ with Movies and TV Shows', async (t) => {
  const { url } = await startApp(t)
  const o = await dav(`${url}/dav/`, 'OPTIONS')
  assert.equal(o.status, 200)
  assert.equal(o.headers.get('dav'), '1')
  assert.equal(o.headers.get('allow'), 'OPTIONS, GET, HEAD, PROPFIND')
  for (const p of ['/dav', '/dav/']) {
    const r = await dav(`${url}${p}`, 'PROPFIND', { Depth: '1' })
    assert.equal(r.status, 207, p)
    const rs = parseMultistatus(r.text)
    assert.deepEqual(rs.map((x) => x.href), ['/dav/', '/dav/Movies/', '/dav/TV%20Shows/'])
    assert.deepEqual(okProps(rs, '/dav/TV%20Shows/').get('DAV:resourcetype')?.children, ['DAV:collection'])
  }
  const d0 = await dav(`${url}/dav/`, 'PROPFIND', { Depth: '0' }, '<?xml version="1.0"?><a:propfind xmlns:a="DAV:"><a:prop><a:resourcetype/></a:prop></a:propfind>')
  assert.equal(parseMultistatus(d0.text).length, 1)
  assert.equal((await dav(`${url}/dav/Movies/Nothing.mkv`, 'GET')).status, 404)
})

test('with credentials set: OPTIONS is exempt, everything else asks with WWW-Authenticate', async (t) => {
  const { url } = await startApp(t, { auth: { username: 'u', password: 'p w' } })
  const o = await dav(`${url}/dav/Movies/`, 'OPTIONS')
  assert.equal(o.status, 200)
  assert.equal(o.headers.get('dav'), '1')
  for (const m of ['PROPFIND', 'GET', 'HEAD']) {
    const r = await dav(`${url}/dav/`, m, { Depth: '0' })
    assert.equal(r.status, 401, m)
    assert.equal(r.headers.get('www-authenticate'), 'Basic realm="momoshtrem", charset="UTF-8"')
  }
  const auth = { Authorization: `Basic ${Buffer.from('u:p w').toString('base64')}` }
  assert.equal((await dav(`${url}/dav/`, 'PROPFIND', { Depth: '0', ...auth })).status, 207)
  assert.equal((await dav(`${url}/dav/`, 'GET', auth)).status, 200)
  const wrong = { Authorization: `Basic ${Buffer.from('u:nope').toString('base64')}` }
  assert.equal((await dav(`${url}/dav/`, 'PROPFIND', { Depth: '0', ...wrong })).status, 401)
})

test('a movie added through the API shows up in /dav at once, and goes away when deleted', async (t) => {
  const { url } = await startApp(t)
  const add = await fetch(`${url}/api/movies`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Alien: Romulus?', year: 2024 }), signal: AbortSignal.timeout(10_000) })
  assert.equal(add.status, 201, await add.clone().text())
  const movie = await add.json() as { id: number }
  const href = '/dav/Movies/Alien%20-%20Romulus%20%282024%29/'
  const list = await dav(`${url}/dav/Movies/`, 'PROPFIND', { Depth: '1' })
  assert.deepEqual(parseMultistatus(list.text).map((x) => x.href), ['/dav/Movies/', href])
  assert.equal((await dav(`${url}${href}`, 'PROPFIND', { Depth: '1' })).status, 207)
  assert.ok([200, 204].includes((await fetch(`${url}/api/movies/${movie.id}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) })).status))
  assert.equal((await dav(`${url}${href}`, 'PROPFIND', { Depth: '0' })).status, 404)
})
