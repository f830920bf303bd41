// The library's read model: every movie and show with its active assignment, as the published
// tree (vfs/) and the streaming layer (pins, next-episode warm-up) read it. The library
// implements LibraryTreeSource; neither reader runs SQL.
import type { AssignedFile } from '../assignments/types.ts'
import type { TreeSubtitle } from '../subtitles/types.ts'

export type { TreeSubtitle } from '../subtitles/types.ts'

/** The file an item's active assignment points at. */
export type TreeAssignment = AssignedFile

export interface TreeMovie {
  id: number
  title: string
  year: number | null
  createdAt: Date
  assignment: TreeAssignment | null
  /** published next to the video (none without an assignment) */
  subtitles?: TreeSubtitle[]
}

export interface TreeEpisode {
  id: number
  episodeNumber: number
  name: string | null
  createdAt: Date
  assignment: TreeAssignment | null
  /** published next to the video (none without an assignment) */
  subtitles?: TreeSubtitle[]
}

export interface TreeSeason {
  id: number
  seasonNumber: number
  createdAt: Date
  episodes: TreeEpisode[]
}

export interface TreeShow {
  id: number
  title: string
  year: number | null
  createdAt: Date
  seasons: TreeSeason[]
}

export interface LibraryTreeSource {
  movies (): TreeMovie[]
  shows (): TreeShow[]
  /** Changes whenever anything the tree depends on changes (cheap to call on every request). */
  version (): number
  /**
   * Incremental updates (optional: without them every change rebuilds the whole tree).
   * head(): the position in the change log a full build made now is current to;
   * changesSince(seq): ids of the movies and shows changed since, or null (rebuild all);
   * movie(id) / show(id): one item as movies() / shows() would list it, null when gone.
   */
  head? (): number
  changesSince? (seq: number): { seq: number, movies: number[], shows: number[] } | null
  movie? (id: number): TreeMovie | null
  show? (id: number): TreeShow | null
  /**
   * The active assignments of every movie and episode (movies first), as movies() and shows()
   * hold them, without the rest of the library (optional: readers fall back to those two).
   */
  activeAssignments? (): TreeAssignment[]
}
