// The library's change counter, read by the VFS on every request to know when its tree is
// stale. Three sources move it:
//   - changed(): called by repositories (ours and the assignment repository) after writes;
//   - total_changes(): rows written by this connection, triggers included, so a writer that
//     forgets changed() is still seen;
//   - PRAGMA data_version: commits by other connections (a CLI on the same file).
// Spurious bumps only cost a tree rebuild; a missed bump would show a stale tree.
import type { Db } from '../db/open.ts'

export interface ChangeTracker {
  changed (): void
  version (): number
}

export function createChangeTracker (db: Db): ChangeTracker {
  const totalChanges = db.prepare('SELECT total_changes() AS n').pluck()
  const dataVersion = db.prepare('PRAGMA data_version').pluck()
  let counter = 0
  let lastTotal = -1
  let lastData = -1
  return {
    changed () { counter++ },
    version () {
      const total = totalChanges.get() as number
      const data = dataVersion.get() as number
      if (total !== lastTotal || data !== lastData) {
        counter++
        lastTotal = total
        lastData = data
      }
      return counter
    }
  }
}
