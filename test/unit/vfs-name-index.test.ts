// NameIndex (the top folders' unique names, kept per change) must give exactly what
// uniqueNames gives for the whole folder, after every step of random adds, renames and
// deletes over titles chosen to collide: case and NFC variants, natural names that look like
// another's suffix ("Heat (2)", "Heat (2) (2)"), years that look like suffixes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { NameIndex } from '../../src/vfs/name-index.ts'
import { uniqueNames } from '../../src/vfs/names.ts'
import { rng } from '../helpers/fixtures.ts'

const TITLES = ['Heat', 'heat', 'HEAT', 'Heat (2)', 'Heat (3)', 'heat (2) (2)', 'Heat (2) (2)', 'Heat (1995)', 'Am\u00e9lie', 'Ame\u0301lie', 'AM\u00c9LIE (2)', 'ΟΔΟΣ', 'οδος (2)', 'Ronin']

for (const seed of [1, 2, 3, 4]) {
  test(`NameIndex equals uniqueNames after each of 400 random changes (seed ${seed})`, () => {
    const random = rng(seed)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
    const bases = new Map<number, string>()
    for (let id = 1; id <= 6; id++) bases.set(id, pick(TITLES))
    const index = new NameIndex([...bases].map(([id, base]) => ({ id, base })))
    let nextId = 7
    for (let step = 0; step < 400; step++) {
      const before = new Map(index.names)
      const changes = new Map<number, string | null>()
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const ids = [...bases.keys()]
        const r = random()
        if (r < 0.4 || ids.length === 0) changes.set(nextId++, pick(TITLES))
        else if (r < 0.7) changes.set(pick(ids), pick(TITLES))
        else changes.set(pick(ids), null)
      }
      for (const [id, base] of changes) { if (base === null) bases.delete(id); else bases.set(id, base) }
      const renamed = index.apply(changes)
      const expected = uniqueNames([...bases].map(([id, base]) => ({ id, base, ext: '' })))
      assert.deepEqual(new Map([...index.names].sort((a, b) => a[0] - b[0])), new Map([...expected].sort((a, b) => a[0] - b[0])), `step ${step}`)
      // every id whose name moved is reported (a missed one would keep a stale folder)
      for (const id of new Set([...before.keys(), ...expected.keys()])) {
        if (before.get(id) !== expected.get(id)) assert.ok(renamed.has(id), `step ${step}: ${id} renamed but not reported`)
      }
    }
  })
}
