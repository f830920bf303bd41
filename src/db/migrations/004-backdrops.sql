-- Backdrops for the web UI: TMDB's backdrop_path of movies and shows, stored like poster_path
-- (filled on add, and for shows on refresh; rows added before stay NULL until then).
ALTER TABLE movies ADD COLUMN backdrop_path TEXT;
ALTER TABLE shows ADD COLUMN backdrop_path TEXT;
