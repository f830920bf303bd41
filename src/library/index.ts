// STUB — replaced by the library (issue 2).
import type { Db } from '../db/open.ts'
import type { Logger } from '../logger.ts'
import type { TmdbClient } from '../tmdb/client.ts'
import type { LibraryTreeSource } from '../vfs/types.ts'

export interface Library { treeSource: LibraryTreeSource }

export function createLibrary (_deps: { db: Db, tmdb: TmdbClient, logger: Logger }): Library {
  return { treeSource: { movies: () => [], shows: () => [], version: () => 0 } }
}
