// "What plays after this episode?", answered from the same library data the VFS tree is built
// from (no SQL of its own): the next assigned episode of the same season, else the first
// assigned episode of a later season. Specials (season 0) only lead to other specials. A
// multi-episode file is one playback: what follows it is the episode after its last one.
import type { TreeAssignment, TreeShow } from '../library/tree-model.ts'

export interface NextEpisode {
  showId: number
  seasonNumber: number
  episodeNumber: number
  assignment: TreeAssignment
}

/** The episode after the one whose active assignment is `assignmentId`, or null (movie, finale, unknown). */
export function nextEpisode (shows: readonly TreeShow[], assignmentId: number): NextEpisode | null {
  for (const show of shows) {
    const episodes = show.seasons
      .flatMap((s) => s.episodes.map((e) => ({ season: s.seasonNumber, e })))
      .sort((a, b) => a.season - b.season || a.e.episodeNumber - b.e.episodeNumber)
    const i = episodes.findIndex((x) => x.e.assignment?.id === assignmentId)
    if (i < 0) continue
    const current = episodes[i]!
    const playing = current.e.assignment!
    for (const x of episodes.slice(i + 1)) {
      if ((current.season === 0) !== (x.season === 0)) continue
      // the rest of a multi-episode file (S01E01-E02) is what is playing: the next is after it
      if (x.e.assignment !== null && sameFile(x.e.assignment, playing)) continue
      if (x.e.assignment !== null) {
        return { showId: show.id, seasonNumber: x.season, episodeNumber: x.e.episodeNumber, assignment: x.e.assignment }
      }
    }
    return null
  }
  return null
}

function sameFile (a: TreeAssignment, b: TreeAssignment): boolean {
  return a.infoHash === b.infoHash && a.fileIndex === b.fileIndex
}

/** Every active assignment (for pinning files whose layout is known at startup). */
export function activeAssignments (movies: ReadonlyArray<{ assignment: TreeAssignment | null }>, shows: readonly TreeShow[]): TreeAssignment[] {
  const out: TreeAssignment[] = []
  for (const m of movies) if (m.assignment !== null) out.push(m.assignment)
  for (const s of shows) for (const season of s.seasons) for (const e of season.episodes) if (e.assignment !== null) out.push(e.assignment)
  return out
}
