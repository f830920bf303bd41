import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LibraryVfs } from '../../src/vfs/library-vfs.ts'
import { NotFoundError } from '../../src/errors.ts'
import type { TreeAssignment } from '../../src/library/tree-model.ts'
import type { VfsEntry } from '../../src/vfs/types.ts'
import { memoryReader, sampleLibrary } from '../helpers/vfs-fixtures.ts'

const FILE = '/Movies/Fight Club (1999)/Fight Club (1999).mkv'

test('stat and readDir: root, folders, files; trailing and doubled slashes, NFD, case', async () => {
  const vfs = new LibraryVfs(sampleLibrary(), { showEmpty: true })
  assert.deepEqual((await vfs.readDir('/')).map((e) => e.name), ['Movies', 'TV Shows'])
  assert.equal((await vfs.stat('/'))?.kind, 'dir')
  assert.equal((await vfs.stat(''))?.kind, 'dir')
  for (const p of [FILE, `//Movies//Fight Club (1999)/${'Fight Club (1999).mkv'}/`, FILE.toUpperCase()]) {
    assert.equal((await vfs.stat(p))?.size, 3_000_001, p)
  }
  const nfd = '/Movies/Amélie - Le Fabuleux (2001)/'.normalize('NFD')
  assert.equal((await vfs.stat(nfd))?.name, 'Amélie - Le Fabuleux (2001)')
  assert.deepEqual((await vfs.readDir(nfd)).map((e) => e.name), ['Amélie - Le Fabuleux (2001).mp4'])
  assert.equal(await vfs.stat('/Movies/Nope'), null)
  assert.equal(await vfs.stat(`${FILE}/below-a-file`), null)
  await assert.rejects(vfs.readDir(FILE), NotFoundError)
  await assert.rejects(vfs.readDir('/nope'), NotFoundError)
})

test('the tree is rebuilt only when the source version changes', async () => {
  const src = sampleLibrary()
  const vfs = new LibraryVfs(src, { showEmpty: false })
  await vfs.readDir('/Movies')
  await vfs.stat(FILE)
  await vfs.readDir('/TV Shows')
  assert.equal(src.calls, 1)
  assert.equal(await vfs.stat('/Movies/Unassigned'), null)
  src.moviesList[2]!.assignment = { ...src.moviesList[0]!.assignment!, id: 77, filePath: 'u.avi' }
  src.bump()
  assert.equal((await vfs.stat('/Movies/Unassigned/Unassigned.avi'))?.contentType, 'video/x-msvideo')
  assert.equal(src.calls, 2)
})

test('open: calls openFile with the assignment and entry; folders and missing paths are NotFound', async () => {
  const seen: Array<[TreeAssignment, VfsEntry]> = []
  const vfs = new LibraryVfs(sampleLibrary(), { showEmpty: true }, async (a, e) => {
    seen.push([a, e])
    return memoryReader(Buffer.alloc(a.fileSize))
  })
  const reader = await vfs.open(`${FILE}/`)
  assert.equal(reader.size, 3_000_001)
  assert.equal(seen[0]?.[0].id, 11)
  assert.equal(seen[0]?.[1].name, 'Fight Club (1999).mkv')
  await assert.rejects(vfs.open('/Movies'), NotFoundError)
  await assert.rejects(vfs.open('/Movies/Nope.mkv'), NotFoundError)
  // listing never opens
  await vfs.readDir('/TV Shows/Breaking Bad (2008)/Season 01')
  assert.equal(seen.length, 1)
})

test('without openFile, open says streaming is not available', async () => {
  const vfs = new LibraryVfs(sampleLibrary(), { showEmpty: true })
  await assert.rejects(vfs.open(FILE), (err: unknown) => err instanceof NotFoundError && /streaming not available/.test(err.message))
})
