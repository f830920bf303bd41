// uniqueNames (names.ts) kept up to date item by item, for a top folder of 10,000 items where
// recomputing every name on each change cost 15-20 ms. Folder names only (no extension).
//
// Why a change only touches a few names: uniqueNames gives an item either its own base or
// "<base> (n)", skipping names some item carries naturally (its base). nameKey(b + " (n)") is
// nameKey(b) + " (n)" (a space never composes under NFC, and lower-casing is per character),
// so two suffixed names collide only when their bases share a key. Hence an item's name
// depends only on (1) the items whose base has the same key (its group), in id order, and
// (2) whether "<key> (n)" is somebody's natural name. A change recomputes the groups of the
// changed items' old and new bases, and the group a natural name that appeared or went away
// would have been a suffix of ("heat (2)" -> group "heat"). test/unit/vfs-name-index.test.ts
// checks the result against uniqueNames after every step of random changes.
import { nameKey, uniqueNames } from './names.ts'

const SUFFIXED = /^(.*) \((\d+)\)$/

export class NameIndex {
  /** id -> final unique name */
  readonly names: Map<number, string>
  private readonly bases = new Map<number, string>()
  /** nameKey(base) -> ids with that key (arrays: 10,000 one-id Sets were 1.5 MiB) */
  private readonly groups = new Map<string, number[]>()
  /** nameKey(base) -> how many items carry it naturally */
  private readonly natural = new Map<string, number>()

  constructor (items: Iterable<{ id: number, base: string }>) {
    const requests = []
    for (const { id, base } of items) {
      this.add(id, base)
      requests.push({ id, base, ext: '' })
    }
    this.names = uniqueNames(requests)
  }

  /**
   * Sets items' bases (null: the item is gone). Returns the ids whose final name changed,
   * appeared or went away (unchanged bases whose names stay put are not in it).
   */
  apply (changes: ReadonlyMap<number, string | null>): Set<number> {
    const groups = new Set<string>()
    const flipped: string[] = []
    for (const [id, base] of changes) {
      const old = this.bases.get(id)
      if (old !== undefined) {
        const key = nameKey(old)
        groups.add(key)
        if (this.remove(id, key)) flipped.push(key)
      }
      if (base !== null) {
        const key = nameKey(base)
        groups.add(key)
        if (this.add(id, base)) flipped.push(key)
      }
    }
    // a natural name that appeared or went away may free or block a suffix in another group
    for (const key of flipped) {
      const m = SUFFIXED.exec(key)
      if (m !== null && this.groups.has(m[1]!)) groups.add(m[1]!)
    }
    const renamed = new Set<number>()
    for (const id of changes.keys()) {
      if (!this.bases.has(id) && this.names.delete(id)) renamed.add(id)
    }
    for (const key of groups) this.name(key, renamed)
    return renamed
  }

  /** uniqueNames' loop over one group (in id order); other groups only matter through `natural`. */
  private name (key: string, renamed: Set<number>): void {
    const ids = this.groups.get(key)
    if (ids === undefined) return
    const taken = new Set<string>()
    for (const id of [...ids].sort((a, b) => a - b)) {
      const base = this.bases.get(id)!
      let name = base
      if (taken.has(nameKey(name))) {
        for (let n = 2; ; n++) {
          const candidate = `${base} (${n})`
          const k = nameKey(candidate)
          if (!taken.has(k) && !this.natural.has(k)) { name = candidate; break }
        }
      }
      taken.add(nameKey(name))
      if (this.names.get(id) !== name) { this.names.set(id, name); renamed.add(id) }
    }
  }

  /** Returns true when the natural name's count went from 0 to 1. */
  private add (id: number, base: string): boolean {
    const key = nameKey(base)
    this.bases.set(id, base)
    const ids = this.groups.get(key)
    if (ids === undefined) this.groups.set(key, [id])
    else ids.push(id)
    const count = this.natural.get(key) ?? 0
    this.natural.set(key, count + 1)
    return count === 0
  }

  /** Returns true when the natural name's count went from 1 to 0. */
  private remove (id: number, key: string): boolean {
    this.bases.delete(id)
    const ids = this.groups.get(key)!
    ids.splice(ids.indexOf(id), 1)
    if (ids.length === 0) this.groups.delete(key)
    const count = this.natural.get(key)! - 1
    if (count === 0) this.natural.delete(key)
    else this.natural.set(key, count)
    return count === 0
  }
}
