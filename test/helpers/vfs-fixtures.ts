// An in-memory LibraryTreeSource and RandomAccessReader for VFS and WebDAV tests, so the
// tree and byte ranges can be tested without SQLite or torrents.
import type { LibraryTreeSource, TreeAssignment, TreeMovie, TreeShow } from '../../src/library/tree-model.ts'
import type { RandomAccessReader } from '../../src/vfs/types.ts'

export class FakeTreeSource implements LibraryTreeSource {
  moviesList: TreeMovie[]
  showsList: TreeShow[]
  private v = 1
  calls = 0
  constructor (movies: TreeMovie[] = [], shows: TreeShow[] = []) {
    this.moviesList = movies
    this.showsList = shows
  }

  movies (): TreeMovie[] { this.calls++; return this.moviesList }
  shows (): TreeShow[] { return this.showsList }
  version (): number { return this.v }
  /** Call after changing the lists (what the library does on every write). */
  bump (): void { this.v++ }
}

const T0 = Date.parse('2024-03-01T10:00:00Z')
export const at = (minutes: number): Date => new Date(T0 + minutes * 60_000)

export function assignment (id: number, filePath: string, fileSize: number, fileIndex = 0): TreeAssignment {
  const infoHash = id.toString(16).padStart(40, 'a')
  return { id, infoHash, magnetUri: `magnet:?xt=urn:btih:${infoHash}`, filePath, fileIndex, fileSize, createdAt: at(100 + id) }
}

/** Deterministic content: byte i of a file of `size` is (i * 31 + 7) & 0xff. */
export function fileBytes (size: number): Buffer {
  const b = Buffer.alloc(size)
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff
  return b
}

/** A library with one assigned movie, one unassigned movie, and a show with specials. */
export function sampleLibrary (): FakeTreeSource {
  const movies: TreeMovie[] = [
    { id: 1, title: 'Fight Club', year: 1999, createdAt: at(1), assignment: assignment(11, 'Fight.Club.1999/Fight.Club.1999.MKV', 3_000_001) },
    { id: 2, title: 'Amélie: Le Fabuleux', year: 2001, createdAt: at(2), assignment: assignment(12, 'amelie.mp4', 1234) },
    { id: 3, title: 'Unassigned', year: null, createdAt: at(3), assignment: null }
  ]
  const shows: TreeShow[] = [{
    id: 1,
    title: 'Breaking Bad',
    year: 2008,
    createdAt: at(4),
    seasons: [
      { id: 10, seasonNumber: 0, createdAt: at(5), episodes: [{ id: 100, episodeNumber: 1, name: 'Good Cop / Bad Cop', createdAt: at(5), assignment: assignment(13, 'extras/special.avi', 500) }] },
      {
        id: 11,
        seasonNumber: 1,
        createdAt: at(6),
        episodes: [
          { id: 101, episodeNumber: 1, name: 'Pilot', createdAt: at(6), assignment: assignment(14, 'S01/E01.mkv', 70_000, 1) },
          { id: 102, episodeNumber: 2, name: null, createdAt: at(6), assignment: assignment(15, 'S01/E02.srt', 900, 2) },
          { id: 103, episodeNumber: 3, name: 'Unassigned', createdAt: at(6), assignment: null }
        ]
      },
      { id: 12, seasonNumber: 2, createdAt: at(7), episodes: [{ id: 104, episodeNumber: 1, name: 'Later', createdAt: at(7), assignment: null }] }
    ]
  }, {
    id: 2, title: 'Empty Show', year: null, createdAt: at(8), seasons: []
  }]
  return new FakeTreeSource(movies, shows)
}

export interface ReaderLog {
  reads: Array<{ offset: number, length: number }>
  aborted: number
  closed: number
}

/**
 * A reader over `data`. `failAt` makes reads at or past that offset reject with `error`;
 * `delayMs` delays each read (abortable), to test disconnects mid-stream.
 */
export function memoryReader (data: Buffer, opts: { failAt?: number, error?: Error, delayMs?: number, log?: ReaderLog } = {}): RandomAccessReader {
  const log = opts.log
  return {
    size: data.length,
    async read (offset, length, signal) {
      log?.reads.push({ offset, length })
      if (opts.delayMs !== undefined) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, opts.delayMs)
          signal?.addEventListener('abort', () => {
            clearTimeout(timer)
            if (log !== undefined) log.aborted++
            reject(new Error('aborted'))
          }, { once: true })
        })
      }
      if (opts.failAt !== undefined && offset + length > opts.failAt) throw opts.error ?? new Error('read failed')
      return data.subarray(offset, Math.min(data.length, offset + length))
    },
    async close () { if (log !== undefined) log.closed++ }
  }
}
