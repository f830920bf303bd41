-- Issue: library scale. Which items the published tree must redraw, written by triggers so
-- that every writer (any repository, a trigger, a CLI on another connection) is seen: the VFS
-- reads the rows past the last one it applied (library/tree-changes.ts) and rebuilds only
-- those folders instead of the whole tree. kind 'movie' | 'show' name the item itself;
-- 'season' and 'episode' are resolved to their show when read (a deleted one's parent logs
-- itself, so nothing is lost when the lookup finds no row). The VFS prunes what it applied.
CREATE TABLE tree_changes (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  kind    TEXT NOT NULL,
  item_id INTEGER NOT NULL
);

CREATE TRIGGER tree_movies_insert AFTER INSERT ON movies BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('movie', NEW.id); END;
CREATE TRIGGER tree_movies_update AFTER UPDATE ON movies BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('movie', NEW.id), ('movie', OLD.id); END;
CREATE TRIGGER tree_movies_delete AFTER DELETE ON movies BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('movie', OLD.id); END;

CREATE TRIGGER tree_shows_insert AFTER INSERT ON shows BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('show', NEW.id); END;
CREATE TRIGGER tree_shows_update AFTER UPDATE ON shows BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('show', NEW.id), ('show', OLD.id); END;
CREATE TRIGGER tree_shows_delete AFTER DELETE ON shows BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('show', OLD.id); END;

CREATE TRIGGER tree_seasons_insert AFTER INSERT ON seasons BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('show', NEW.show_id); END;
CREATE TRIGGER tree_seasons_update AFTER UPDATE ON seasons BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('show', NEW.show_id), ('show', OLD.show_id); END;
CREATE TRIGGER tree_seasons_delete AFTER DELETE ON seasons BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('show', OLD.show_id); END;

CREATE TRIGGER tree_episodes_insert AFTER INSERT ON episodes BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('season', NEW.season_id); END;
CREATE TRIGGER tree_episodes_update AFTER UPDATE ON episodes BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('season', NEW.season_id), ('season', OLD.season_id); END;
CREATE TRIGGER tree_episodes_delete AFTER DELETE ON episodes BEGIN INSERT INTO tree_changes (kind, item_id) VALUES ('season', OLD.season_id); END;

CREATE TRIGGER tree_assignments_insert AFTER INSERT ON torrent_assignments BEGIN INSERT INTO tree_changes (kind, item_id) VALUES (NEW.item_type, NEW.item_id); END;
CREATE TRIGGER tree_assignments_update AFTER UPDATE ON torrent_assignments BEGIN INSERT INTO tree_changes (kind, item_id) VALUES (NEW.item_type, NEW.item_id), (OLD.item_type, OLD.item_id); END;
CREATE TRIGGER tree_assignments_delete AFTER DELETE ON torrent_assignments BEGIN INSERT INTO tree_changes (kind, item_id) VALUES (OLD.item_type, OLD.item_id); END;

CREATE TRIGGER tree_subtitles_insert AFTER INSERT ON subtitles BEGIN INSERT INTO tree_changes (kind, item_id) VALUES (NEW.item_type, NEW.item_id); END;
CREATE TRIGGER tree_subtitles_update AFTER UPDATE ON subtitles BEGIN INSERT INTO tree_changes (kind, item_id) VALUES (NEW.item_type, NEW.item_id), (OLD.item_type, OLD.item_id); END;
CREATE TRIGGER tree_subtitles_delete AFTER DELETE ON subtitles BEGIN INSERT INTO tree_changes (kind, item_id) VALUES (OLD.item_type, OLD.item_id); END;
