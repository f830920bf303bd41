// Readers for subtitles published in the tree. A subtitle is small (tens to hundreds of KiB),
// so a reader fetches it whole on the first read and serves every range from memory: a torrent
// subtitle through the torrent's plain read path (its pieces are pinned with the video's head),
// a downloaded one from the data folder.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TorrentService } from '../torrent/types.ts'
import type { RandomAccessReader } from '../vfs/types.ts'
import type { TreeSubtitle } from './types.ts'
import { assignedFile } from '../assignments/file-choice.ts'

/** Larger than any subtitle; a bigger "subtitle" is not loaded into memory. */
export const MAX_SUBTITLE_BYTES = 16 * 1024 * 1024

export interface SubtitleReaderDeps {
  torrents: Pick<TorrentService, 'getOrAddTorrent'>
  /** the folder downloaded subtitles are stored in */
  folder: string
  /** torrent.read_timeout in ms */
  readTimeoutMs: number
}

export function openSubtitleReader (deps: SubtitleReaderDeps, s: TreeSubtitle): RandomAccessReader {
  let whole: Promise<Buffer> | undefined
  let closed = false
  const load = async (): Promise<Buffer> => {
    if (s.size > MAX_SUBTITLE_BYTES) throw new RangeError(`subtitle ${s.id} is ${s.size} bytes, over the ${MAX_SUBTITLE_BYTES} a subtitle may have`)
    if (s.source.kind === 'local') return await readFile(join(deps.folder, s.source.storedName))
    const src = s.source
    const torrent = await deps.torrents.getOrAddTorrent(src.infoHash, src.magnetUri)
    const file = assignedFile(torrent.info, { infoHash: src.infoHash, filePath: src.filePath, fileIndex: src.fileIndex, fileSize: s.size })
    return await torrent.read(file.index, 0, file.length, { deadline: Date.now() + deps.readTimeoutMs })
  }
  return {
    size: s.size,
    async read (offset: number, length: number): Promise<Buffer> {
      if (closed) throw new Error('reader closed')
      whole ??= load()
      // a failed load is tried again by the next read (a timeout, a torrent still joining)
      const bytes = await whole.catch((err: unknown) => { whole = undefined; throw err })
      return bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length))
    },
    async close (): Promise<void> { closed = true }
  }
}
