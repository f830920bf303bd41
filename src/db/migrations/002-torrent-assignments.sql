-- Stage 2: which torrent file backs a movie or an episode. item_id points at movies.id or
-- episodes.id depending on item_type, so it cannot carry a foreign key; the triggers below
-- deactivate assignments whose item is deleted (history rows are kept for the record).
CREATE TABLE torrent_assignments (
  id             INTEGER PRIMARY KEY,
  item_type      TEXT NOT NULL CHECK (item_type IN ('movie', 'episode')),
  item_id        INTEGER NOT NULL,
  info_hash      TEXT NOT NULL CHECK (length(info_hash) = 40 AND info_hash = lower(info_hash)),
  magnet_uri     TEXT NOT NULL,
  file_path      TEXT NOT NULL,
  file_index     INTEGER NOT NULL CHECK (file_index >= 0),
  file_size      INTEGER NOT NULL CHECK (file_size >= 0),
  resolution     TEXT,
  source         TEXT,
  is_active      INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at     TEXT NOT NULL,
  deactivated_at TEXT
);
-- One active assignment per item, enforced by the database itself.
CREATE UNIQUE INDEX torrent_assignments_active_item
  ON torrent_assignments (item_type, item_id) WHERE is_active = 1;
-- "Which library items use this torrent?" (delete checks, remove_torrent).
CREATE INDEX torrent_assignments_hash
  ON torrent_assignments (info_hash) WHERE is_active = 1;

CREATE TRIGGER movies_deactivate_assignments AFTER DELETE ON movies BEGIN
  UPDATE torrent_assignments SET is_active = 0, deactivated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE item_type = 'movie' AND item_id = OLD.id AND is_active = 1;
END;
CREATE TRIGGER episodes_deactivate_assignments AFTER DELETE ON episodes BEGIN
  UPDATE torrent_assignments SET is_active = 0, deactivated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE item_type = 'episode' AND item_id = OLD.id AND is_active = 1;
END;
