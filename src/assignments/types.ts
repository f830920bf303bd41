// The one assignment: which file of which torrent backs a movie or an episode. The repository
// reads it, the service writes it, events carry it, the library's read model and the streaming
// layer use a part of it, and mapper.ts turns it into what the REST API shows.

export type ItemType = 'movie' | 'episode'

export interface Assignment {
  id: number
  itemType: ItemType
  itemId: number
  infoHash: string
  magnetUri: string
  /** path of the file inside the torrent, '/'-separated, as the torrent names it */
  filePath: string
  fileIndex: number
  fileSize: number
  resolution: string | null
  source: string | null
  isActive: boolean
  createdAt: Date
  deactivatedAt: Date | null
}

/** What an assign stores; the repository adds the item, the id and the dates. */
export interface NewAssignment {
  infoHash: string
  magnetUri: string
  filePath: string
  fileIndex: number
  fileSize: number
  resolution?: string | null
  source?: string | null
}

/** One assignment of a batch (a season pack): the item and what to store for it. */
export interface NewItemAssignment {
  itemType: ItemType
  itemId: number
  assignment: NewAssignment
}

/** A stored assignment and the item's assignment it replaced, if any. */
export interface StoredAssignment {
  assignment: Assignment
  previous: Assignment | null
}

/** An episode of a show as a season-pack assign sees it. */
export interface ShowEpisodeSlot {
  episodeId: number
  season: number
  episode: number
  name: string | null
  airDate: string | null
  active: Assignment | null
}

/** The file an assignment points at: what the published tree and the streaming layer need. */
export type AssignedFile = Pick<Assignment, 'id' | 'infoHash' | 'magnetUri' | 'filePath' | 'fileIndex' | 'fileSize' | 'createdAt'>

/**
 * The active assignment of an item as the library's queries join it, each column prefixed `a_`
 * (library/sql.ts); all null when the item has none.
 */
export interface AssignmentColumns {
  a_id: number | null
  a_info_hash: string | null
  a_magnet_uri: string | null
  a_file_path: string | null
  a_file_index: number | null
  a_file_size: number | null
  a_resolution: string | null
  a_source: string | null
  a_created_at: string | null
}

/** An assignment as the REST API shows it (the assign endpoints). */
export interface AssignmentJson {
  id: number
  item_type: ItemType
  item_id: number
  info_hash: string
  magnet_uri: string
  file_path: string
  file_index: number
  file_size: number
  resolution: string | null
  source: string | null
  is_active: boolean
  created_at: string
}

/** An item's active assignment inside the item (movie, episode): the item and state go without saying. */
export type ItemAssignmentJson = Omit<AssignmentJson, 'item_type' | 'item_id' | 'is_active'>
