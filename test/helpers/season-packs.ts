// Three season packs of "Dark" (the fake TMDB's show 70523: 3 seasons of 3 episodes), laid
// out the way real packs are, for the season-pack tests (e2e and interop):
//   S1: scene names, a multi-episode file (S01E02E03), a Sample/ folder, a featurette,
//       subtitles next to a video and in Subs/<episode>/ (2_English.srt, 3_German.srt), a .txt
//   S2: nested "Season 2/" folder, "E01 - Title.mkv" names (season from the folder), a 2x02
//   S3: anime-style "[Group] Dark - S03E01 [1080p].mkv" with .ass subtitles next to them
import type { TestContext } from 'node:test'
import { KiB, writeFixture, type Fixture, type FixtureSpec } from './fixtures.ts'
import { tempDir } from './app.ts'
import { startSeeder, type Seeder } from './seeder.ts'

export const DARK_TMDB_ID = 70523
export const DARK = 'Dark (2017)'

const video = (n: number): number => 160 * KiB + n * 7

export function darkSeason1 (): FixtureSpec {
  const rel = 'Dark.S01.1080p.NF.WEB-DL.DDP5.1.x264-GRP'
  return {
    name: rel,
    seed: 'dark-s1',
    files: [
      { path: 'Dark.S01E01.1080p.NF.WEB-DL.DDP5.1.x264-GRP.mkv', length: video(1) },
      { path: 'Dark.S01E01.1080p.NF.WEB-DL.DDP5.1.x264-GRP.en.srt', length: 3 * KiB + 11 },
      { path: 'Dark.S01E02E03.1080p.NF.WEB-DL.DDP5.1.x264-GRP.mkv', length: video(2) },
      { path: 'Subs/Dark.S01E02E03.1080p.NF.WEB-DL.DDP5.1.x264-GRP/2_English.srt', length: 4 * KiB + 3 },
      { path: 'Subs/Dark.S01E02E03.1080p.NF.WEB-DL.DDP5.1.x264-GRP/3_German.srt', length: 4 * KiB + 9 },
      { path: 'Sample/dark.s01e01.1080p.sample.mkv', length: 20 * KiB },
      { path: 'Featurettes/Dark.Making.Of.1080p.mkv', length: 60 * KiB },
      { path: 'RARBG.txt', length: 31 }
    ]
  }
}

export function darkSeason2 (): FixtureSpec {
  return {
    name: 'Dark Season 2 (2019) 720p',
    seed: 'dark-s2',
    files: [
      { path: 'Season 2/E01 - Beginnings and Endings.mkv', length: video(4) },
      { path: 'Season 2/Dark - 2x02 - Dark Matter.mkv', length: video(5) },
      { path: 'Season 2/Dark.S02E03.Ghosts.720p.mkv', length: video(6) },
      { path: 'Season 2/Dark.S02E03.Ghosts.720p.srt', length: 2 * KiB + 1 }
    ]
  }
}

export function darkSeason3 (): FixtureSpec {
  return {
    name: '[Grp] Dark S3 [1080p]',
    seed: 'dark-s3',
    files: [
      { path: '[Grp] Dark - S03E01 [1080p].mkv', length: video(7) },
      { path: '[Grp] Dark - S03E01 [1080p].ass', length: 5 * KiB },
      { path: '[Grp] Dark - S03E02 [1080p].mkv', length: video(8) },
      { path: '[Grp] Dark - S03E02 [1080p].ass', length: 5 * KiB + 2 },
      { path: '[Grp] Dark - S03E03 [1080p].mkv', length: video(9) }
    ]
  }
}

export interface SeededPack { fixture: Fixture, seeder: Seeder }

/** The three packs written to a temp folder, each seeded by its own webtorrent seeder. */
export async function seedDarkPacks (t: TestContext): Promise<SeededPack[]> {
  const dir = tempDir(t)
  return await Promise.all([darkSeason1(), darkSeason2(), darkSeason3()].map(async (spec) => {
    const fixture = writeFixture(dir, spec)
    return { fixture, seeder: await startSeeder(t, { path: fixture.root, pieceLength: 16 * KiB }) }
  }))
}
