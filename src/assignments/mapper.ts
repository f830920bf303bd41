// Pure mappers: torrent_assignments rows (whole, or joined into a library item) to the
// Assignment, and the Assignment to the REST API's shapes. The only place either is built.
import type { Assignment, AssignmentColumns, AssignmentJson, ItemAssignmentJson, ItemType } from './types.ts'

/** A torrent_assignments row as SQLite returns it: the API's fields, with SQLite's types. */
export interface AssignmentRow extends Omit<AssignmentJson, 'is_active'> {
  /** 0 or 1 */
  is_active: number
  deactivated_at: string | null
}

export function fromRow (r: AssignmentRow): Assignment {
  return {
    id: r.id,
    itemType: r.item_type,
    itemId: r.item_id,
    infoHash: r.info_hash,
    magnetUri: r.magnet_uri,
    filePath: r.file_path,
    fileIndex: r.file_index,
    fileSize: r.file_size,
    resolution: r.resolution,
    source: r.source,
    isActive: r.is_active === 1,
    createdAt: new Date(r.created_at),
    deactivatedAt: r.deactivated_at === null ? null : new Date(r.deactivated_at)
  }
}

/** The item's joined active assignment, or null when the LEFT JOIN found none. */
export function fromColumns (r: AssignmentColumns, itemType: ItemType, itemId: number): Assignment | null {
  if (r.a_id === null) return null
  return {
    id: r.a_id,
    itemType,
    itemId,
    infoHash: r.a_info_hash!,
    magnetUri: r.a_magnet_uri!,
    filePath: r.a_file_path!,
    fileIndex: r.a_file_index!,
    fileSize: r.a_file_size!,
    resolution: r.a_resolution,
    source: r.a_source,
    isActive: true,
    createdAt: new Date(r.a_created_at!),
    deactivatedAt: null
  }
}

export function toAssignmentJson (a: Assignment): AssignmentJson {
  return {
    id: a.id,
    item_type: a.itemType,
    item_id: a.itemId,
    info_hash: a.infoHash,
    magnet_uri: a.magnetUri,
    file_path: a.filePath,
    file_index: a.fileIndex,
    file_size: a.fileSize,
    resolution: a.resolution,
    source: a.source,
    is_active: a.isActive,
    created_at: a.createdAt.toISOString()
  }
}

export function toItemAssignmentJson (a: Assignment | null): ItemAssignmentJson | null {
  if (a === null) return null
  const { item_type: _type, item_id: _id, is_active: _active, ...json } = toAssignmentJson(a)
  return json
}

/** The same assignment, deactivated now (what `unassigned` carries). */
export function deactivated (a: Assignment, at = new Date()): Assignment {
  return { ...a, isActive: false, deactivatedAt: at }
}
