-- Stage 1: the library. Times are ISO 8601 UTC strings with milliseconds.
CREATE TABLE movies (
  id          INTEGER PRIMARY KEY,
  tmdb_id     INTEGER UNIQUE,
  title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
  year        INTEGER CHECK (year IS NULL OR year BETWEEN 1800 AND 3000),
  overview    TEXT,
  poster_path TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX movies_title ON movies (title COLLATE NOCASE);

CREATE TABLE shows (
  id          INTEGER PRIMARY KEY,
  tmdb_id     INTEGER UNIQUE,
  title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
  year        INTEGER CHECK (year IS NULL OR year BETWEEN 1800 AND 3000),
  overview    TEXT,
  poster_path TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX shows_title ON shows (title COLLATE NOCASE);

CREATE TABLE seasons (
  id            INTEGER PRIMARY KEY,
  show_id       INTEGER NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
  season_number INTEGER NOT NULL CHECK (season_number >= 0),
  name          TEXT,
  air_date      TEXT,
  created_at    TEXT NOT NULL,
  UNIQUE (show_id, season_number)
);

CREATE TABLE episodes (
  id             INTEGER PRIMARY KEY,
  season_id      INTEGER NOT NULL REFERENCES seasons (id) ON DELETE CASCADE,
  episode_number INTEGER NOT NULL CHECK (episode_number >= 0),
  name           TEXT,
  air_date       TEXT,
  created_at     TEXT NOT NULL,
  UNIQUE (season_id, episode_number)
);
