// SQL fragments shared by the repositories, and SQLite error recognition.

/** Columns of the active assignment, prefixed `a_` (see AssignmentColumns in assignments/types.ts). */
export const ASSIGNMENT_COLUMNS = `a.id AS a_id, a.info_hash AS a_info_hash, a.magnet_uri AS a_magnet_uri,
  a.file_path AS a_file_path, a.file_index AS a_file_index, a.file_size AS a_file_size,
  a.resolution AS a_resolution, a.source AS a_source, a.created_at AS a_created_at`

/**
 * LEFT JOIN of the item's active assignment. The partial UNIQUE index on (item_type, item_id)
 * WHERE is_active = 1 guarantees at most one match, so joins never duplicate rows.
 */
export function activeAssignmentJoin (itemType: 'movie' | 'episode', itemColumn: string): string {
  return `LEFT JOIN torrent_assignments a ON a.item_type = '${itemType}' AND a.item_id = ${itemColumn} AND a.is_active = 1`
}

/** A LIKE pattern matching `q` as a literal substring (use with ESCAPE '\'). */
export function likePattern (q: string): string {
  return '%' + q.replace(/[\\%_]/g, (c) => '\\' + c) + '%'
}

export function isUniqueViolation (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

export function now (): string {
  return new Date().toISOString()
}
