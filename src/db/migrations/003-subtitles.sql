-- Issue 12: subtitles published next to a movie's or an episode's video.
--   origin 'torrent': a subtitle file inside the torrent of an assignment. It is shown while
--     that assignment is active (the tree joins on it) and streams from the torrent.
--   origin 'opensubtitles': downloaded from OpenSubtitles into the data folder (stored_name).
-- item_id points at movies.id or episodes.id depending on item_type (as torrent_assignments).
CREATE TABLE subtitles (
  id            INTEGER PRIMARY KEY,
  item_type     TEXT NOT NULL CHECK (item_type IN ('movie', 'episode')),
  item_id       INTEGER NOT NULL,
  origin        TEXT NOT NULL CHECK (origin IN ('torrent', 'opensubtitles')),
  assignment_id INTEGER REFERENCES torrent_assignments (id),
  file_index    INTEGER CHECK (file_index IS NULL OR file_index >= 0),
  file_path     TEXT,
  stored_name   TEXT,
  external_id   TEXT,
  release       TEXT,
  language      TEXT CHECK (language IS NULL OR length(language) BETWEEN 2 AND 8),
  forced        INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
  sdh           INTEGER NOT NULL DEFAULT 0 CHECK (sdh IN (0, 1)),
  format        TEXT NOT NULL CHECK (format IN ('srt', 'ass', 'ssa', 'vtt', 'sub', 'idx')),
  size          INTEGER NOT NULL CHECK (size >= 0),
  created_at    TEXT NOT NULL,
  CHECK ((origin = 'torrent') = (assignment_id IS NOT NULL AND file_index IS NOT NULL AND file_path IS NOT NULL)),
  CHECK ((origin = 'opensubtitles') = (stored_name IS NOT NULL))
);
CREATE INDEX subtitles_item ON subtitles (item_type, item_id);
CREATE INDEX subtitles_assignment ON subtitles (assignment_id) WHERE assignment_id IS NOT NULL;
-- one row per torrent file per assignment (a rescan never doubles them)
CREATE UNIQUE INDEX subtitles_torrent_file ON subtitles (assignment_id, file_index) WHERE origin = 'torrent';

-- Assignments whose torrent was searched for subtitles: a scan happens once, at assign or,
-- for assignments made before this migration, when their torrent is first loaded.
ALTER TABLE torrent_assignments ADD COLUMN subtitles_scanned_at TEXT;

-- A deleted item takes its subtitle rows along (downloaded files are swept at start-up).
CREATE TRIGGER movies_delete_subtitles AFTER DELETE ON movies BEGIN
  DELETE FROM subtitles WHERE item_type = 'movie' AND item_id = OLD.id;
END;
CREATE TRIGGER episodes_delete_subtitles AFTER DELETE ON episodes BEGIN
  DELETE FROM subtitles WHERE item_type = 'episode' AND item_id = OLD.id;
END;
