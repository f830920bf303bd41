// One top folder of the tree (Movies, TV Shows) kept up to date item by item: a change
// redraws the changed items' folders and those whose unique name moved, and splices them into
// the sorted children, instead of rebuilding (and re-sorting) every folder of the library.
// The result is the same node for node as tree.ts buildTree (test/unit/vfs-incremental.test.ts).
import { byName, indexChildren, rollupEntry, type ChildIndex, type DirNode, type TreeNode } from './tree.ts'
import { nameKey } from './names.ts'
import { NameIndex } from './name-index.ts'

/** How one kind of item (movie, show) becomes a folder; the same functions buildTree uses. */
export interface FolderRules<T extends { id: number }> {
  shown (item: T): boolean
  /** the name it asks for, before uniqueNames */
  base (item: T): string
  folder (item: T, name: string): DirNode
  /**
   * The item as the library has it now (null when gone): read again when an unchanged item's
   * folder must be redrawn because its unique name moved. The rows are not kept: at 10,000
   * movies and 30,000 episodes they were some 10 MiB of an idle server's heap, for a redraw
   * that only a title collision needs.
   */
  load (id: number): T | null
}

export class TopFolder<T extends { id: number }> {
  readonly node: DirNode
  /** the node's name lookups, kept up to date here as children come and go */
  private readonly index: ChildIndex
  /** shown items only, with their asked-for names and their folders */
  private readonly items = new Map<number, { base: string, node: DirNode }>()
  /** the items' unique names, recomputed per change only where a name can move */
  private readonly names: NameIndex

  constructor (private readonly name: string, private readonly rules: FolderRules<T>, all: readonly T[]) {
    const shown = all.filter((item) => rules.shown(item))
    for (const item of shown) this.items.set(item.id, { base: rules.base(item), node: undefined as unknown as DirNode })
    this.names = new NameIndex([...this.items].map(([id, slot]) => ({ id, base: slot.base })))
    const children: TreeNode[] = []
    for (const item of shown) {
      const slot = this.items.get(item.id)!
      slot.node = rules.folder(item, this.names.names.get(item.id)!)
      children.push(slot.node)
    }
    children.sort(byName)
    this.index = indexChildren(children)
    this.node = { kind: 'dir', entry: rollupEntry(name, children), children, index: this.index }
  }

  /** Applies changed items (null: deleted). Mutates `node` in place (readers are synchronous). */
  update (changed: ReadonlyMap<number, T | null>): void {
    const old = new Map<number, DirNode>()
    const bases = new Map<number, string | null>()
    for (const [id, item] of changed) {
      const slot = this.items.get(id)
      if (slot !== undefined) old.set(id, slot.node)
      if (item !== null && this.rules.shown(item)) {
        const base = this.rules.base(item)
        this.items.set(id, { base, node: slot?.node as DirNode })
        bases.set(id, base)
      } else {
        this.items.delete(id)
        bases.set(id, null)
      }
    }
    // a title change can move a " (2)" suffix onto another item: redraw whoever's name moved
    const affected = new Set(changed.keys())
    for (const id of this.names.apply(bases)) affected.add(id)
    for (const id of affected) {
      const node = old.get(id) ?? (changed.has(id) ? undefined : this.items.get(id)?.node)
      if (node !== undefined) this.remove(node)
    }
    for (const id of affected) {
      const slot = this.items.get(id)
      if (slot === undefined) continue
      const item = changed.get(id) ?? this.rules.load(id)
      // gone since the change log was read: its deletion comes with the next update; till
      // then the folder stays as it was
      if (item !== null) slot.node = this.rules.folder(item, this.names.names.get(id)!)
      this.insert(slot.node)
    }
    this.node.entry = rollupEntry(this.name, this.node.children)
  }

  /** Index of the first child not sorting before `node` (names are unique: a total order). */
  private position (node: TreeNode): number {
    const children = this.node.children
    let lo = 0
    let hi = children.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (byName(children[mid]!, node) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private remove (node: TreeNode): void {
    const children = this.node.children
    let i = this.position(node)
    if (children[i] !== node) i = children.indexOf(node)
    if (i >= 0) children.splice(i, 1)
    const name = node.entry.name
    if (this.index.byName.get(name) === node) this.index.byName.delete(name)
    if (this.index.byKey.get(nameKey(name)) === node) this.index.byKey.delete(nameKey(name))
  }

  private insert (node: TreeNode): void {
    this.node.children.splice(this.position(node), 0, node)
    this.index.byName.set(node.entry.name, node)
    this.index.byKey.set(nameKey(node.entry.name), node)
  }
}
