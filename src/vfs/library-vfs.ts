// STUB — replaced by the LibraryVFS (issue 2).
import { NotFoundError } from '../errors.ts'
import type { LibraryTreeSource, RandomAccessReader, Vfs, VfsEntry } from './types.ts'

export class LibraryVfs implements Vfs {
  constructor (_source: LibraryTreeSource, _opts: { showEmpty: boolean }) {}
  async stat (_path: string): Promise<VfsEntry | null> { return null }
  async readDir (path: string): Promise<VfsEntry[]> { throw new NotFoundError(`no folder at ${path}`) }
  async open (path: string): Promise<RandomAccessReader> { throw new NotFoundError(`no file at ${path}`) }
}
