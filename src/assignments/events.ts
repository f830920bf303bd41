// Assigning is an event: the service publishes each stored or deactivated assignment, and
// whoever cares subscribes (the streaming layer warms and pins an assigned file and drops
// the pins of an unassigned one; subtitles and media-server refreshes can do the same),
// instead of the service knowing them or them re-reading the library to find what changed.
import type { Assignment } from './types.ts'

export interface AssignmentListener {
  /** an assignment was stored (the item's previous one, if any, was published as unassigned just before) */
  assigned? (a: Assignment): void
  /** an active assignment was deactivated (unassign, re-assign, its item deleted, or a forced torrent removal) */
  unassigned? (a: Assignment): void
}

export class AssignmentEvents {
  private readonly listeners: AssignmentListener[] = []

  /** Adds a listener; returns the function that removes it. */
  subscribe (l: AssignmentListener): () => void {
    this.listeners.push(l)
    return () => {
      const i = this.listeners.indexOf(l)
      if (i >= 0) this.listeners.splice(i, 1)
    }
  }

  assigned (a: Assignment): void {
    for (const l of [...this.listeners]) l.assigned?.(a)
  }

  unassigned (a: Assignment): void {
    for (const l of [...this.listeners]) l.unassigned?.(a)
  }
}
