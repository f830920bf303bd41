// Which file of a torrent an assignment means: its stored index when the path still matches,
// else the file with its path; the size must match what was assigned.
import { NotFoundError } from '../errors.ts'
import type { TorrentFileInfo, TorrentInfo } from '../torrent/types.ts'
import type { TreeAssignment } from '../library/tree-model.ts'

export function findFile (info: TorrentInfo, a: Pick<TreeAssignment, 'infoHash' | 'fileIndex' | 'filePath' | 'fileSize'>): TorrentFileInfo {
  const byIndex = info.files[a.fileIndex]
  const file = byIndex !== undefined && byIndex.path === a.filePath ? byIndex : info.files.find((f) => f.path === a.filePath)
  if (file === undefined || file.length !== a.fileSize) {
    throw new NotFoundError(`torrent ${a.infoHash} has no file ${a.filePath} of ${a.fileSize} bytes`)
  }
  return file
}
