// PROPFIND as each client in webdav.md sends it, with the 207 parsed and checked.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { dav, okProps, parseMultistatus, startDav } from '../helpers/dav.ts'
import { sampleLibrary } from '../helpers/vfs-fixtures.ts'

const FC = '/dav/Movies/Fight%20Club%20%281999%29/'
const FC_FILE = `${FC}Fight%20Club%20%281999%29.mkv`
const AMELIE = '/dav/Movies/Am%C3%A9lie%20-%20Le%20Fabuleux%20%282001%29/'

function assertWellFormed (text: string, headers: Headers): void {
  assert.equal(headers.get('content-type'), 'application/xml; charset=utf-8')
  // exactly one namespace declaration, the D: prefix
  assert.deepEqual(text.match(/xmlns(:\w+)?=/g), ['xmlns:D='])
  for (const s of text.match(/<D:status>[^<]*<\/D:status>/g) ?? []) {
    assert.ok(s === '<D:status>HTTP/1.1 200 OK</D:status>' || s === '<D:status>HTTP/1.1 404 Not Found</D:status>', s)
  }
}

test('Infuse: OPTIONS, then Depth 1 with a small allprop body', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  const o = await dav(`${url}/dav/`, 'OPTIONS')
  assert.equal(o.status, 200)
  assert.equal(o.headers.get('dav'), '1')
  assert.equal(o.headers.get('allow'), 'OPTIONS, GET, HEAD, PROPFIND')
  assert.equal(o.headers.get('ms-author-via'), 'DAV')
  assert.equal(o.headers.get('accept-ranges'), 'bytes')
  const body = '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
  const r = await dav(`${url}/dav/Movies/`, 'PROPFIND', { Depth: '1', 'Content-Type': 'text/xml' }, body)
  assert.equal(r.status, 207)
  assertWellFormed(r.text, r.headers)
  const rs = parseMultistatus(r.text)
  assert.equal(rs[0]?.href, '/dav/Movies/', 'the collection itself comes first')
  assert.deepEqual(rs.map((x) => x.href).slice(1), [AMELIE, FC, '/dav/Movies/Unassigned/'])
  const folder = okProps(rs, FC)
  assert.deepEqual(folder.get('DAV:resourcetype')?.children, ['DAV:collection'])
  assert.equal(folder.get('DAV:iscollection')?.text, '1')
  assert.equal(folder.get('DAV:displayname')?.text, 'Fight Club (1999)')
  // <D:prop> sits inside <D:propstat>
  assert.match(r.text, /<D:propstat><D:prop>/)
})

test('Kodi: named props, exact status line, collection first, RFC 1123 and ISO 8601 dates', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  const body = '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:creationdate/><D:displayname/></D:prop></D:propfind>'
  const r = await dav(`${url}${FC}`, 'PROPFIND', { Depth: '1', 'Content-Type': 'application/xml' }, body)
  assert.equal(r.status, 207)
  assertWellFormed(r.text, r.headers)
  const rs = parseMultistatus(r.text)
  assert.equal(rs.length, 2)
  const file = okProps(rs, FC_FILE)
  assert.equal(file.get('DAV:getcontentlength')?.text, '3000001')
  assert.equal(file.get('DAV:getlastmodified')?.text, 'Fri, 01 Mar 2024 11:51:00 GMT')
  assert.equal(file.get('DAV:creationdate')?.text, '2024-03-01T11:51:00Z')
  assert.equal(file.get('DAV:displayname')?.text, 'Fight Club (1999).mkv')
  assert.deepEqual(file.get('DAV:resourcetype')?.children, [])
  assert.equal(file.has('DAV:getetag'), false, 'only the requested props')
  // folders have no content length: it goes to the 404 propstat after the 200 one
  const folder = rs[0]!
  assert.equal(folder.propstats[0]?.status, 'HTTP/1.1 200 OK')
  assert.equal(folder.propstats[1]?.status, 'HTTP/1.1 404 Not Found')
  assert.deepEqual([...folder.propstats[1]!.props.keys()], ['DAV:getcontentlength'])
  assert.match(r.text, /<D:resourcetype><D:collection\/><\/D:resourcetype>/)
})

test('rclone: empty body = allprop on Depth 1; Depth 0 stat of a file; unknown props in a second propstat', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  const r = await dav(`${url}${FC}`, 'PROPFIND', { Depth: '1' })
  assert.equal(r.status, 207)
  assertWellFormed(r.text, r.headers)
  const rs = parseMultistatus(r.text)
  assert.ok(rs.every((x) => x.href.startsWith(FC)), 'every href keeps the request path as prefix')
  const file = okProps(rs, FC_FILE)
  assert.equal(file.get('DAV:getcontenttype')?.text, 'video/x-matroska')
  assert.match(file.get('DAV:getetag')?.text ?? '', /^"[0-9a-f]{40}"$/)
  assert.equal(file.get('DAV:iscollection')?.text, '0')
  assert.equal(rs.every((x) => x.propstats.length === 1), true)

  const stat = await dav(`${url}${FC_FILE}`, 'PROPFIND', { Depth: '0' })
  assert.equal(stat.status, 207)
  const one = parseMultistatus(stat.text)
  assert.deepEqual(one.map((x) => x.href), [FC_FILE])
  assert.equal(okProps(one, FC_FILE).get('DAV:getcontentlength')?.text, '3000001')

  // the body rclone sends to owncloud-flavoured servers: foreign props must not break the 200 propstat
  const body = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><d:displayname/><d:getlastmodified/><d:getcontentlength/><d:resourcetype/><d:getcontenttype/><oc:checksums/><oc:permissions/></d:prop></d:propfind>'
  const named = await dav(`${url}${FC_FILE}`, 'PROPFIND', { Depth: '0', 'Content-Type': 'application/xml' }, body)
  const n = parseMultistatus(named.text)[0]!
  assert.equal(n.propstats[0]?.status, 'HTTP/1.1 200 OK')
  assert.equal(n.propstats[1]?.status, 'HTTP/1.1 404 Not Found')
  assert.deepEqual([...n.propstats[1]!.props.keys()], ['{http://owncloud.org/ns}checksums', '{http://owncloud.org/ns}permissions'])
})

test('Finder: OPTIONS without Depth, PROPFIND with DAV: as default namespace, noise probes 404', async (t) => {
  const { url } = await startDav(t, sampleLibrary(), async () => { throw new Error('noise must not open files') })
  assert.equal((await dav(`${url}/dav`, 'OPTIONS')).headers.get('dav'), '1')
  const body = '<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><getlastmodified xmlns="DAV:"/><getcontentlength/><resourcetype/><quota-available-bytes/></prop></propfind>'
  const r = await dav(`${url}/dav/`, 'PROPFIND', { Depth: '1', 'Content-Type': 'text/xml; charset="utf-8"' }, body)
  assert.equal(r.status, 207)
  const rs = parseMultistatus(r.text)
  assert.deepEqual(rs.map((x) => x.href), ['/dav/', '/dav/Movies/', '/dav/TV%20Shows/'])
  assert.deepEqual([...rs[0]!.propstats[1]!.props.keys()], ['DAV:getcontentlength', 'DAV:quota-available-bytes'])
  for (const p of ['/dav/._.', '/dav/Movies/._Fight Club (1999)', '/dav/.DS_Store', '/dav/Movies/.DS_Store', '/dav/.Spotlight-V100', '/dav/.metadata_never_index', '/dav/.Trashes', '/dav/desktop.ini', '/dav/Movies/Thumbs.db']) {
    for (const m of ['PROPFIND', 'GET', 'HEAD']) {
      const n = await dav(`${url}${encodeURI(p)}`, m, { Depth: '0' })
      assert.equal(n.status, 404, `${m} ${p}`)
    }
  }
})

test('gvfs/davfs2: Depth 0 on the root, with and without trailing slash', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  for (const p of ['/dav/', '/dav']) {
    const r = await dav(`${url}${p}`, 'PROPFIND', { Depth: '0' })
    assert.equal(r.status, 207, p)
    const rs = parseMultistatus(r.text)
    assert.equal(rs.length, 1)
    assert.equal(rs[0]!.href, '/dav/')
    assert.deepEqual(okProps(rs, '/dav/').get('DAV:resourcetype')?.children, ['DAV:collection'])
  }
  // raw parentheses never appear in hrefs
  const list = await dav(`${url}/dav/TV%20Shows/Breaking%20Bad%20(2008)/`, 'PROPFIND', { Depth: '1' })
  assert.ok(!/<D:href>[^<]*[()][^<]*<\/D:href>/.test(list.text), list.text)
})

test('mobile players: HEAD and GET on a collection give 200 with an HTML index', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  const h = await dav(`${url}/dav/Movies`, 'HEAD')
  assert.equal(h.status, 200)
  assert.match(h.headers.get('content-type') ?? '', /^text\/html/)
  const g = await dav(`${url}/dav/Movies/`, 'GET')
  assert.equal(g.status, 200)
  assert.equal(Number(h.headers.get('content-length')), Buffer.byteLength(g.text))
  assert.ok(g.text.includes(`href="${FC}"`))
  assert.ok(g.text.includes('Amélie - Le Fabuleux (2001)/'))
})

test('propname lists names only; Depth infinity or missing is 403 with propfind-finite-depth', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  const r = await dav(`${url}${FC_FILE}`, 'PROPFIND', { Depth: '0' }, '<propfind xmlns="DAV:"><propname/></propfind>')
  const props = okProps(parseMultistatus(r.text), FC_FILE)
  assert.deepEqual([...props.keys()].sort(), ['DAV:creationdate', 'DAV:displayname', 'DAV:getcontentlength', 'DAV:getcontenttype', 'DAV:getetag', 'DAV:getlastmodified', 'DAV:iscollection', 'DAV:resourcetype'])
  assert.ok([...props.values()].every((v) => v.text === '' && v.children.length === 0))
  for (const headers of [{}, { Depth: 'infinity' }] as Array<Record<string, string>>) {
    const d = await dav(`${url}/dav/`, 'PROPFIND', headers)
    assert.equal(d.status, 403)
    assert.equal(d.headers.get('content-type'), 'application/xml; charset=utf-8')
    assert.match(d.text, /<D:error xmlns:D="DAV:"><D:propfind-finite-depth\/><\/D:error>/)
  }
  assert.equal((await dav(`${url}/dav/`, 'PROPFIND', { Depth: '2' })).status, 400)
  // the Windows redirector's "1,noroot" leaves the collection itself out
  const noroot = await dav(`${url}/dav/`, 'PROPFIND', { Depth: '1,noroot' })
  assert.deepEqual(parseMultistatus(noroot.text).map((x) => x.href), ['/dav/Movies/', '/dav/TV%20Shows/'])
})

test('malformed XML, a DOCTYPE or a foreign root element is 400; entities are never expanded', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  const bad = [
    '<D:propfind xmlns:D="DAV:"><D:prop>',
    'not xml at all',
    '{"json": true}',
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&lol2;</D:displayname></D:prop></D:propfind>',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><propfind xmlns="DAV:">&xxe;</propfind>',
    '<propfind><prop/></propfind>',
    '<D:propfind xmlns:D="urn:not-dav"><D:allprop/></D:propfind>'
  ]
  for (const body of bad) {
    const r = await dav(`${url}/dav/`, 'PROPFIND', { Depth: '0', 'Content-Type': 'application/xml' }, body)
    assert.equal(r.status, 400, body)
    assert.ok(!r.text.includes('root:'), 'no file content leaks')
  }
  const json = await dav(`${url}/dav/`, 'PROPFIND', { Depth: '0', 'Content-Type': 'application/json' }, '{"a":1}')
  assert.equal(json.status, 400)
})

test('paths match in any encoding, with NFD, doubled or missing slashes, and never redirect', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  const variants = [
    '/dav/Movies/Fight%20Club%20(1999)/Fight%20Club%20(1999).mkv',
    '/dav/Movies/Fight%20Club%20%281999%29/Fight%20Club%20%281999%29.mkv',
    '/dav//Movies//Fight%20Club%20(1999)//Fight%20Club%20(1999).mkv',
    '/dav/movies/fight%20club%20(1999)/FIGHT%20CLUB%20(1999).MKV'
  ]
  for (const v of variants) {
    const r = await dav(`${url}${v}`, 'PROPFIND', { Depth: '0' })
    assert.equal(r.status, 207, v)
    assert.equal(okProps(parseMultistatus(r.text), parseMultistatus(r.text)[0]!.href).get('DAV:getcontentlength')?.text, '3000001')
  }
  const nfd = encodeURIComponent('Amélie - Le Fabuleux (2001)'.normalize('NFD'))
  for (const p of [`/dav/Movies/${nfd}`, `/dav/Movies/${nfd}/`]) {
    const r = await dav(`${url}${p}`, 'PROPFIND', { Depth: '1' })
    assert.equal(r.status, 207, p)
    const rs = parseMultistatus(r.text)
    assert.equal(rs.length, 2)
    // rclone compares decoded paths: the client's own spelling (NFD here) stays the prefix
    assert.ok(rs.every((x) => decodeURIComponent(x.href).startsWith(decodeURIComponent(`/dav/Movies/${nfd}/`))), rs.map((x) => x.href).join())
  }
  assert.equal((await dav(`${url}/dav/Movies`, 'PROPFIND', { Depth: '1' })).status, 207)
  assert.equal((await dav(`${url}/dav/Nope/`, 'PROPFIND', { Depth: '0' })).status, 404)
  assert.equal((await dav(`${url}/dav/%E0%A4%A`, 'PROPFIND', { Depth: '0' })).status, 400)
})

test('write methods answer 405 with Allow', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  for (const m of ['PUT', 'DELETE', 'MKCOL', 'COPY', 'MOVE', 'PROPPATCH', 'LOCK', 'UNLOCK', 'POST']) {
    const r = await dav(`${url}${FC_FILE}`, m, { 'Content-Type': 'application/octet-stream' }, m === 'PUT' ? 'x'.repeat(1000) : undefined)
    assert.equal(r.status, 405, m)
    assert.equal(r.headers.get('allow'), 'OPTIONS, GET, HEAD, PROPFIND')
  }
})

test('the tree follows library changes at once', async (t) => {
  const src = sampleLibrary()
  const { url } = await startDav(t, src)
  assert.equal((await dav(`${url}/dav/Movies/New%20One/`, 'PROPFIND', { Depth: '0' })).status, 404)
  src.moviesList = [...src.moviesList, { id: 50, title: 'New One', year: null, createdAt: new Date(0), assignment: null }]
  src.bump()
  assert.equal((await dav(`${url}/dav/Movies/New%20One/`, 'PROPFIND', { Depth: '0' })).status, 207)
})

test('PROPFIND bodies with no content type, chunked, or an odd content type are parsed as XML', async (t) => {
  const { url } = await startDav(t, sampleLibrary())
  const u = new URL(url)
  const body = '<propfind xmlns="DAV:"><prop><displayname/></prop></propfind>'
  const variants: Array<Record<string, string>> = [
    { 'Content-Length': String(body.length) },
    { 'Transfer-Encoding': 'chunked' },
    { 'Content-Length': String(body.length), 'Content-Type': 'weird/type; x=1' }
  ]
  for (const headers of variants) {
    const { status, text } = await new Promise<{ status: number, text: string }>((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: '/dav/Movies/', method: 'PROPFIND', headers: { Depth: '0', ...headers }, timeout: 10_000 }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => { text += c })
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, text }) })
      })
      req.on('error', reject)
      req.on('timeout', () => { req.destroy(new Error('timeout')) })
      req.end(body)
    })
    assert.equal(status, 207, JSON.stringify(headers))
    const props = okProps(parseMultistatus(text), '/dav/Movies/')
    assert.deepEqual([...props.keys()], ['DAV:displayname'])
  }
})
