// multistatusBody keeps large folders' bodies and redoes them from the kept bytes of every
// child still listed (by entry object): the body must be byte for byte what rendering every
// response afresh gives, for every selection and href spelling, and a changed entry (a new
// object) must never get an old rendering.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { multistatusBody as chunked } from '../../src/webdav/multistatus.ts'
import { hrefFor } from '../../src/webdav/paths.ts'
import { multistatus, responseXml, type Selection } from '../../src/webdav/xml.ts'
import type { VfsEntry } from '../../src/vfs/types.ts'
import { rng } from '../helpers/fixtures.ts'

const at = new Date('2024-03-01T11:51:00Z')
const folder: VfsEntry = { name: 'Movies', kind: 'dir', size: 0, created: at, modified: at }
const children: VfsEntry[] = [
  { name: 'Amélie & <Co> (2001)', kind: 'dir', size: 0, created: at, modified: at },
  { name: "Fight Club's (1999).mkv", kind: 'file', size: 3_000_001, created: at, modified: at, etag: 'abc', contentType: 'video/x-matroska' },
  { name: '100% [x] (2)', kind: 'dir', size: 0, created: at, modified: at }
]
const SELECTIONS: Selection[] = [
  { type: 'allprop' },
  { type: 'propname' },
  { type: 'prop', props: [{ ns: 'DAV:', local: 'getcontentlength' }, { ns: 'DAV:', local: 'resourcetype' }, { ns: 'urn:x', local: 'odd' }] },
  { type: 'prop', props: [{ ns: 'DAV:', local: 'resourcetype' }, { ns: 'DAV:', local: 'getcontentlength' }] },
  { type: 'prop', props: [{ ns: 'DAV:', local: 'displayname' }] },
  { type: 'prop', props: [] }
]

const multistatusBody = (...args: Parameters<typeof chunked>): Buffer => Buffer.concat(chunked(...args))

function fresh (sent: string[], self: VfsEntry | null, list: VfsEntry[], sel: Selection): string {
  const responses = self === null ? [] : [responseXml(hrefFor('/dav', sent, true), self, sel)]
  for (const c of list) responses.push(responseXml(hrefFor('/dav', [...sent, c.name], c.kind === 'dir'), c, sel))
  return multistatus(responses)
}

test('the body equals fresh rendering, cold and warm, for every selection and spelling of the path', () => {
  for (let round = 0; round < 2; round++) {
    // more selections than are kept: renderings get dropped and made again
    for (const sel of SELECTIONS) {
      for (const sent of [['Movies'], ['movies'], ['Mo vies (x)'], []]) {
        const href = hrefFor('/dav', sent, true)
        assert.equal(multistatusBody(href, folder, href, children, sel).toString(), fresh(sent, folder, children, sel))
        assert.equal(multistatusBody(null, folder, href, children, sel).toString(), fresh(sent, null, children, sel), 'noroot')
      }
    }
  }
})

test('a changed entry (a new object) is rendered anew, the others keep theirs', () => {
  const sel: Selection = { type: 'allprop' }
  const href = '/dav/Movies/'
  const before = multistatusBody(href, folder, href, children, sel).toString()
  const changed = [children[0]!, { ...children[1]!, size: 42, etag: 'def' }, children[2]!]
  const after = multistatusBody(href, folder, href, changed, sel).toString()
  assert.notEqual(after, before)
  assert.equal(after, fresh(['Movies'], folder, changed, sel))
  assert.match(after, /<D:getcontentlength>42<\/D:getcontentlength>/)
})

test('a large folder\'s kept body is served only for the very same entries', () => {
  const many: VfsEntry[] = Array.from({ length: 1200 }, (_, i) => ({ name: `Movie ${i} (2001)`, kind: 'dir', size: 0, created: at, modified: at }))
  const sel: Selection = { type: 'allprop' }
  const href = '/dav/Movies/'
  const first = multistatusBody(href, folder, href, many, sel)
  assert.equal(first.toString(), fresh(['Movies'], folder, many, sel))
  assert.equal(chunked(href, folder, href, [...many], sel)[0], chunked(href, folder, href, many, sel)[0], 'same entries: the kept body')
  assert.equal(multistatusBody(href, folder, href, [...many], sel).toString(), first.toString())
  // another spelling of the path, noroot, another selection: bodies of their own
  assert.equal(multistatusBody('/dav/movies/', folder, '/dav/movies/', many, sel).toString(), fresh(['movies'], folder, many, sel))
  assert.equal(multistatusBody(null, folder, href, many, sel).toString(), fresh(['Movies'], null, many, sel))
  const named: Selection = { type: 'prop', props: [{ ns: 'DAV:', local: 'displayname' }] }
  assert.equal(multistatusBody(href, folder, href, many, named).toString(), fresh(['Movies'], folder, many, named))
  // one entry replaced, one removed, the folder's own entry replaced
  const changed = [...many.slice(0, 500), { ...many[500]!, name: 'Changed (2024)' }, ...many.slice(502)]
  assert.equal(multistatusBody(href, folder, href, changed, sel).toString(), fresh(['Movies'], folder, changed, sel))
  const self2 = { ...folder, modified: new Date('2025-01-01T00:00:00Z') }
  assert.equal(multistatusBody(href, self2, href, changed, sel).toString(), fresh(['Movies'], self2, changed, sel))
  assert.equal(multistatusBody(href, folder, href, many, sel).toString(), first.toString())
})

test('a large folder\'s body redone from the kept one equals fresh rendering after each of 200 random edits', () => {
  const random = rng(5)
  let n = 0
  const entry = (): VfsEntry => ({ name: `Title ${n++} & Co (${2000 + (n % 20)})`, kind: random() < 0.5 ? 'dir' : 'file', size: n, created: at, modified: at, etag: String(n), contentType: 'video/mp4' })
  let list: VfsEntry[] = Array.from({ length: 700 }, entry)
  let self = folder
  const sel: Selection = { type: 'allprop' }
  for (let step = 0; step < 200; step++) {
    // one to three edits anywhere (start, end, middle): insert, delete, replace; sometimes none
    for (let k = Math.floor(random() * 4); k > 0; k--) {
      const i = Math.floor(random() * list.length)
      const r = random()
      list = r < 0.4 ? [...list.slice(0, i), entry(), ...list.slice(i)] : r < 0.7 ? [...list.slice(0, i), ...list.slice(i + 1)] : [...list.slice(0, i), entry(), ...list.slice(i + 1)]
    }
    if (list.length < 500) list.push(...Array.from({ length: 50 }, entry))
    if (random() < 0.3) self = { ...self, modified: new Date(at.getTime() + step * 1000) }
    for (const [sent, noroot] of [[['Movies'], false], [['Movies'], true]] as const) {
      const href = hrefFor('/dav', [...sent], true)
      assert.equal(multistatusBody(noroot ? null : href, self, href, list, sel).toString(), fresh([...sent], noroot ? null : self, list, sel), `step ${step}`)
    }
  }
})
