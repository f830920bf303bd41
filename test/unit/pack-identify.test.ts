import { test } from 'node:test'
import assert from 'node:assert/strict'
import { identifyFiles, isConfident } from '../../src/packs/identify.ts'
import type { Confidence, EpisodeRef } from '../../src/packs/types.ts'
import { shows } from '../fixtures/packs/shows.ts'

const GB = 1_000_000_000

interface Case {
  path: string
  /** 'S01E02', 'S01E01E02' for several, or an RegExp for the ignore reason. */
  want: string | RegExp
  confidence?: Confidence
  show?: keyof typeof shows
  season?: number
}

const label = (eps: EpisodeRef[]): string =>
  eps.length === 0 ? '' : `S${String(eps[0]?.season).padStart(2, '0')}` + eps.map((e) => `E${String(e.episode).padStart(2, '0')}`).join('')

// Each file is identified on its own (a 1.5 GB video), against the drama unless told otherwise.
const CASES: Case[] = [
  // scene: one folder per episode, lower-case file names
  { path: 'Show.Name.S02E05.720p.HDTV.x264-KILLERS/show.name.s02e05.720p.hdtv.x264-killers.mkv', want: 'S02E05', confidence: 'high' },
  { path: 'Show.Name.S01E01.1080p.WEB.H264-GGEZ/show.name.s01e01.1080p.web.h264-ggez.mkv', want: 'S01E01', confidence: 'high' },
  { path: 'Show.Name.S03E08.REPACK.1080p.WEB.h264-TRUFFLE/Show.Name.S03E08.REPACK.1080p.WEB.h264-TRUFFLE.mkv', want: 'S03E08', confidence: 'high' },
  { path: 'Show.Name.S01.1080p.BluRay.x264-ROVERS/show.name.s01e10.1080p.bluray.x264-rovers.mkv', want: 'S01E10', confidence: 'high' },
  { path: 'Show.Name.S02.720p.HDTV.x264-SVA/Show.Name.S02E13.720p.HDTV.x264-SVA.mkv', want: 'S02E13', confidence: 'high' },
  { path: 'Show.Name.S01.PROPER.480p.HDTV.x264-mSD/show.name.s01e03.proper.480p.hdtv.x264-msd.mkv', want: 'S01E03', confidence: 'high' },
  { path: 'Show.Name.S01E02.HDTV.XviD-LOL/show.name.s01e02.hdtv.xvid-lol.avi', want: 'S01E02', confidence: 'high' },
  { path: 'Show.Name.S02E04.2160p.WEB.H265-GLHF/show.name.s02e04.2160p.web.h265-glhf.mkv', want: 'S02E04', confidence: 'high' },
  // P2P: one folder for the season, title in the name
  { path: 'Show Name (2019) Season 1 S01 (1080p BluRay x265 HEVC 10bit AAC 5.1 Tigole)/Show Name (2019) - S01E04 - The Long Night (1080p BluRay x265 Tigole).mkv', want: 'S01E04', confidence: 'high' },
  { path: 'Show.Name.S02.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb/Show.Name.S02E07.Title.Here.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb.mkv', want: 'S02E07', confidence: 'high' },
  { path: 'Show.Name.S03.2160p.DSNP.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX/Show.Name.S03E01.2160p.DSNP.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX.mkv', want: 'S03E01', confidence: 'high' },
  { path: 'Show Name S01 1080p WEBRip x265-RARBG/Show.Name.S01E09.1080p.WEBRip.x265-RARBG.mp4', want: 'S01E09', confidence: 'high' },
  { path: 'Show.Name.S02.COMPLETE.720p.WEB.x264-GalaxyTV[TGx]/Show.Name.S02E11.720p.WEB.x264-GalaxyTV.mkv', want: 'S02E11', confidence: 'high' },
  { path: 'Show Name - Season 2 [1080p x265 10bit]/Show Name - S02E03 - Title [1080p x265 10bit Joy].mkv', want: 'S02E03', confidence: 'high' },
  { path: 'Show.Name.S01.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-EPSiLON/Show.Name.S01E06.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-EPSiLON.mkv', want: 'S01E06', confidence: 'high' },
  { path: 'Show.Name.S01E05.1080p.WEB-DL.x264-GRP.mkv', want: 'S01E05', confidence: 'high' },
  // other spellings of season and episode
  { path: 'Show Name/Season 1/Show Name s1e2.mkv', want: 'S01E02', confidence: 'high' },
  { path: 'Show Name/show_name_1x02_title.avi', want: 'S01E02', confidence: 'high' },
  { path: 'Show Name (2008)/Show Name - 2x07 - Title.mkv', want: 'S02E07', confidence: 'high' },
  { path: 'Show Name/Show Name - Season 1 Episode 2 - Title.mp4', want: 'S01E02', confidence: 'high' },
  { path: 'Show Name/Show.Name.S01.E03.720p.mkv', want: 'S01E03', confidence: 'high' },
  { path: 'Show Name/Show Name S03 E02 1080p.mkv', want: 'S03E02', confidence: 'high' },
  { path: 'Show.Name.S02.DD5.1x264/Show.Name.2x10.DD5.1.x264-GRP.mkv', want: 'S02E10', confidence: 'high' },
  { path: 'Show Name Season 1/Show Name Season 01 Episode 05.mkv', want: 'S01E05', confidence: 'high' },
  // multi-episode files
  { path: 'Show.Name.S01.720p.HDTV.x264-GRP/Show.Name.S01E01E02.720p.HDTV.x264-GRP.mkv', want: 'S01E01E02', confidence: 'high' },
  { path: 'Show Name/Season 01/Show Name - S01E01-E02 - Pilot.mkv', want: 'S01E01E02', confidence: 'high' },
  { path: 'Show Name/Show.Name.S01E01-02.1080p.BluRay.x264-GRP.mkv', want: 'S01E01E02', confidence: 'high' },
  { path: 'Show Name/Show.Name.S02E12-E13.Finale.1080p.WEB-DL.mkv', want: 'S02E12E13', confidence: 'high' },
  { path: 'Show Name/Show Name - S01E03-E05 - Three Parter.mkv', want: 'S01E03E04E05', confidence: 'high' },
  { path: 'Show Name/Show Name 1x03-1x04 Title.avi', want: 'S01E03E04', confidence: 'high' },
  { path: 'Show.Name.S01E05-1080p.WEB.mkv', want: 'S01E05', confidence: 'high' },
  // episode only, the season from a folder
  { path: 'Show Name/Season 2/E05.mkv', want: 'S02E05', confidence: 'high' },
  { path: 'Show Name/Season 2/Episode 5 - Title.mkv', want: 'S02E05', confidence: 'high' },
  { path: 'Show Name/S03/Ep02.mkv', want: 'S03E02', confidence: 'high' },
  { path: 'Show Name/S03/Ep.04 Title.mkv', want: 'S03E04', confidence: 'high' },
  { path: 'Serie Name/Staffel 1/E03 - Titel.mkv', want: 'S01E03', confidence: 'high' },
  { path: 'Serie.Name.German.DL.1080p.BluRay.x264-GRP/Staffel 2/Folge 07.mkv', want: 'S02E07', confidence: 'high' },
  { path: 'Série Name/Saison 1/Épisode 08.mkv', want: 'S01E08', confidence: 'high' },
  { path: 'Show.Name.S02.1080p.WEB-DL/Episode.12.mkv', want: 'S02E12', confidence: 'high' },
  { path: 'Show Name/Series 3/Show Name - E06.mkv', want: 'S03E06', confidence: 'high' },
  { path: 'Show Name/Season 1/E02-E03.mkv', want: 'S01E02E03', confidence: 'high' },
  { path: 'Show Name S01-S03/Season 3/E01.mkv', want: 'S03E01', confidence: 'high' },
  // a bare number inside a season folder
  { path: 'Show Name/Season 2/05 - Title.mkv', want: 'S02E05', confidence: 'medium' },
  { path: 'Show Name/Season 1/01. Pilot.mkv', want: 'S01E01', confidence: 'medium' },
  { path: 'Show Name/Season 1/101 - Pilot.avi', want: 'S01E01', confidence: 'medium' },
  { path: 'Show Name/Season 3/Show Name 07.mkv', want: 'S03E07', confidence: 'medium' },
  { path: 'Show Name/Staffel 2/13 Finale.mkv', want: 'S02E13', confidence: 'medium' },
  // anime: absolute numbering and fansub names
  { path: '[SubsPlease] Anime Name (01-12) (1080p) [Batch]/[SubsPlease] Anime Name - 05 (1080p) [A1B2C3D4].mkv', want: 'S01E05', confidence: 'medium', show: 'anime' },
  { path: '[Erai-raws] Anime Name - 01 ~ 24 [1080p]/[Erai-raws] Anime Name - 13 [1080p][Multiple Subtitle].mkv', want: 'S02E01', confidence: 'medium', show: 'anime' },
  { path: '[HorribleSubs] Anime Name - 024 [720p].mkv', want: 'S02E12', confidence: 'medium', show: 'anime' },
  { path: '[Judas] Anime Name (Season 2) [1080p][HEVC x265 10bit]/[Judas] Anime Name - S02E03.mkv', want: 'S02E03', confidence: 'high', show: 'anime' },
  { path: '[Group] Anime Name S2 - 04 [1080p].mkv', want: 'S02E04', confidence: 'medium', show: 'anime' },
  { path: '[Group] Anime Name 2nd Season - 16 [1080p].mkv', want: 'S02E04', confidence: 'medium', show: 'anime' },
  { path: '[Group] Anime Name [07][BDRip 1080p x264 FLAC].mkv', want: 'S01E07', confidence: 'medium', show: 'anime' },
  { path: '[Group] Anime Name - 06v2 [1080p].mkv', want: 'S01E06', confidence: 'medium', show: 'anime' },
  { path: '[Group] Anime Name - 013 [BD 1080p].mkv', want: 'S02E01', confidence: 'medium', show: 'anime' },
  { path: '[Group] Anime Name - 99 [1080p].mkv', want: /past the show's 24 episodes/, show: 'anime' },
  { path: '[Group] Anime Name - 17 [1080p].mkv', want: 'S01E17', confidence: 'medium', show: 'single' },
  { path: 'Anime Name/Anime Name E21.mkv', want: 'S01E21', confidence: 'medium', show: 'single' },
  { path: '[Group] Anime Name - 14 [1080p].mkv', want: 'S02E02', confidence: 'medium', show: 'anime', season: 2 },
  { path: '[Group] Anime Name - 03 [1080p].mkv', want: 'S02E03', confidence: 'medium', show: 'anime', season: 2 },
  // specials
  { path: 'Show.Name.S00E03.Christmas.Special.720p.HDTV.x264-GRP.mkv', want: 'S00E03', confidence: 'high' },
  { path: 'Show Name/Specials/Show Name - S00E01 - Behind the Music.mkv', want: 'S00E01', confidence: 'high' },
  { path: 'Show Name/Specials/E02.mkv', want: 'S00E02', confidence: 'high' },
  { path: 'Show Name/Specials/02 - Christmas.mkv', want: 'S00E02', confidence: 'medium' },
  { path: '[Group] Anime Name/Specials/[Group] Anime Name - OVA 01.mkv', want: 'S00E01', confidence: 'medium', show: 'anime' },
  // daily shows: air dates
  { path: 'The.Daily.Show.2024.03.15.Guest.Name.1080p.WEB.h264-EDITH.mkv', want: 'S29E45', confidence: 'high', show: 'daily' },
  { path: 'The Daily Show/The Daily Show - 2024-03-18 - Guest.mkv', want: 'S29E46', confidence: 'high', show: 'daily' },
  { path: 'the.daily.show.2024.03.14.720p.web.h264-jebaited.mkv', want: 'S29E44', confidence: 'high', show: 'daily' },
  { path: 'The Daily Show 15.03.2024 German.mkv', want: 'S29E45', confidence: 'high', show: 'daily' },
  { path: 'The.Daily.Show.2024.03.20.1080p.WEB.h264-EDITH.mkv', want: 'S29E47', confidence: 'medium', show: 'daily' },
  { path: 'The.Daily.Show.2024.04.01.1080p.WEB.h264-EDITH.mkv', want: /no episode aired on 2024-04-01/, show: 'daily' },
  { path: 'The.Daily.Show.S29E49.1080p.WEB.h264-EDITH.mkv', want: 'S29E49', confidence: 'high', show: 'daily' },
  // episodes the show does not have
  { path: 'Show.Name.S01E14.720p.HDTV.x264-GRP.mkv', want: 'S01E14', confidence: 'low' },
  { path: 'Show.Name.S05E01.720p.HDTV.x264-GRP.mkv', want: 'S05E01', confidence: 'low' },
  { path: 'Show Name/Season 3/E09.mkv', want: 'S03E09', confidence: 'low' },
  { path: 'Show Name/Season 2/Show.Name.S03E01.mkv', want: 'S03E01', confidence: 'medium' },
  // samples
  { path: 'Show.Name.S02E05.720p.HDTV.x264-GRP/Sample/show.name.s02e05.720p.hdtv.x264-grp-sample.mkv', want: /sample \(in the folder "Sample"\)/ },
  { path: 'Show.Name.S01.1080p.BluRay.x264-GRP/Samples/sample-show.name.s01e01.mkv', want: /sample/ },
  { path: 'Show.Name.S01.1080p.BluRay.x264-GRP/show.name.s01e01.sample.mkv', want: /"sample" in the name/ },
  // extras
  { path: 'Show Name Season 1/Extras/Making the Show.mkv', want: /extra \(in the folder "Extras"\)/ },
  { path: 'Show Name Season 1/Featurettes/Cast Interviews.mkv', want: /extra/ },
  { path: 'Show Name/Behind The Scenes/Episode 1 Commentary.mkv', want: /extra/ },
  { path: 'Show.Name.S01.1080p.BluRay/Show.Name.S01.Featurette.The.World.1080p.BluRay.mkv', want: /"Featurette" in the name/ },
  { path: 'Show.Name.S01.1080p.BluRay/Show.Name.S01.Trailer.1080p.mkv', want: /"Trailer" in the name/ },
  { path: 'Show.Name.S01.1080p.BluRay/Show.Name.Behind.the.Scenes.1080p.mkv', want: /extra/ },
  { path: '[Group] Anime Name/[Group] Anime Name - NCOP1 [1080p].mkv', want: /"NCOP1" in the name/, show: 'anime' },
  { path: '[Group] Anime Name/Extras/[Group] Anime Name - NCED [1080p].mkv', want: /extra/, show: 'anime' },
  { path: 'Show.Name.S01.1080p.BluRay/Show.Name.S01E02.Deleted.Scenes.mkv', want: /"Deleted.Scenes" in the name/ },
  // an episode titled like an extra is still an episode when it carries its number
  { path: 'Show.Name.S01/Show.Name.S01E05.The.Interview.1080p.WEB.mkv', want: 'S01E05', confidence: 'high' },
  { path: 'Extras.S01.720p.BluRay.x264-GRP/Extras.S01E03.720p.BluRay.x264-GRP.mkv', want: 'S01E03', confidence: 'high' },
  // not videos
  { path: 'Show.Name.S01.1080p.BluRay.x264-GRP/show.name.s01.1080p.bluray.x264-grp.nfo', want: /not a video \(\.nfo\)/ },
  { path: 'Show.Name.S01.1080p.BluRay.x264-GRP/Subs/Show.Name.S01E01.English.srt', want: /not a video \(\.srt\)/ },
  { path: 'Show.Name.S01E01.720p.HDTV.x264-GRP/show.name.s01e01.720p.hdtv.x264-grp.r00', want: /not a video \(\.r00\)/ },
  { path: 'Show Name Season 1/cover.jpg', want: /not a video/ },
  { path: 'Show Name Season 1/RARBG.txt', want: /not a video/ },
  { path: 'Show Name Season 1/Torrent Downloaded From ExtraTorrent.url', want: /not a video/ },
  // names with nothing to go on
  { path: 'Show Name/Show Name Pilot.mkv', want: /no episode number/ },
  { path: 'Show.Name.S01.1080p.BluRay.x264-GRP/Show.Name.1080p.BluRay.x264-GRP.mkv', want: /no episode number/ },
  // the requested season restricts the pack
  { path: 'Show.Name.S01-S03.1080p/Show.Name.S03E02.1080p.mkv', want: /not in the requested season 2/, season: 2 },
  { path: 'Show.Name.S01-S03.1080p/Show.Name.S02E02.1080p.mkv', want: 'S02E02', confidence: 'high', season: 2 },
  { path: 'Show Name/E04 - Title.mkv', want: 'S02E04', confidence: 'medium', season: 2 },
  { path: 'Show Name/E04 - Title.mkv', want: 'S01E04', confidence: 'medium' }
]

test(`identifies ${CASES.length} real-style file names`, () => {
  assert.ok(CASES.length >= 80)
  const failures: string[] = []
  for (const c of CASES) {
    const opts = c.season === undefined ? {} : { season: c.season }
    const out = identifyFiles([{ path: c.path, length: 1.5 * GB }], shows[c.show ?? 'drama'], opts)
    const match = out.matches[0]
    const ignored = out.ignored[0]
    if (typeof c.want === 'string') {
      if (match === undefined) {
        failures.push(`${c.path}: ignored (${ignored?.reason ?? '?'}), wanted ${c.want}`)
      } else if (label(match.episodes) !== c.want || match.confidence !== c.confidence) {
        failures.push(`${c.path}: ${label(match.episodes)} ${match.confidence} (${match.reason}), wanted ${c.want} ${c.confidence ?? ''}`)
      } else if (match.reason === '') {
        failures.push(`${c.path}: no reason`)
      }
    } else if (ignored === undefined || !c.want.test(ignored.reason)) {
      failures.push(`${c.path}: ${match === undefined ? `ignored (${ignored?.reason ?? '?'})` : `${label(match.episodes)} (${match.reason})`}, wanted ignored ${String(c.want)}`)
    }
  }
  assert.deepEqual(failures, [])
})

test('a whole pack: tiny unnamed samples, subtitles and extras are left out, matches come in episode order', () => {
  const root = 'Show.Name.S01.1080p.BluRay.x264-GRP'
  const files = [
    { path: `${root}/show.name.s01e02.1080p.bluray.x264-grp.mkv`, length: 2 * GB },
    { path: `${root}/show.name.s01e01.1080p.bluray.x264-grp.mkv`, length: 2 * GB },
    { path: `${root}/show.name.s01e01.cut.mkv`, length: 30_000_000 },
    { path: `${root}/show.name.s01.1080p.bluray.x264-grp.nfo`, length: 4_000 },
    { path: `${root}/Subs/show.name.s01e01.en.srt`, length: 40_000 },
    { path: `${root}/Featurettes/Making Of.mkv`, length: 600_000_000 }
  ]
  const out = identifyFiles(files, shows.drama)
  assert.deepEqual(out.matches.map((m) => [m.fileIndex, label(m.episodes), m.confidence]), [[1, 'S01E01', 'high'], [0, 'S01E02', 'high']])
  assert.deepEqual(out.ignored.map((i) => i.fileIndex), [2, 3, 4, 5])
  assert.match(out.ignored[0]?.reason ?? '', /sample \(30 MB next to a 2\.0 GB video\)/)
  assert.ok(out.matches.every(isConfident))
})

test('two files for one episode: the higher resolution, then the bigger file wins; the other is reported', () => {
  const files = [
    { path: 'Pack/Show.Name.S01E03.720p.HDTV.x264-GRP.mkv', length: 3 * GB },
    { path: 'Pack/Show.Name.S01E03.1080p.WEB-DL.x264-GRP.mkv', length: 2 * GB },
    { path: 'Pack/Show.Name.S01E04.1080p.WEB-DL.x264-GRP.mkv', length: 2 * GB },
    { path: 'Pack/Show.Name.S01E04.REPACK.1080p.WEB-DL.x264-GRP.mkv', length: 2.1 * GB }
  ]
  const out = identifyFiles(files, shows.drama)
  assert.deepEqual(out.matches.map((m) => m.fileIndex), [1, 3])
  assert.deepEqual(out.ignored.map((i) => i.fileIndex), [0, 2])
  assert.match(out.ignored[0]?.reason ?? '', /S01E03 is taken by "Pack\/Show.Name.S01E03.1080p.*" \(1080p over 720p\)/)
  assert.match(out.ignored[1]?.reason ?? '', /S01E04 is taken by .*REPACK.* \(bigger\)/)
})

test('a multi-episode file and single files of the same episodes: the better claim keeps them all', () => {
  const files = [
    { path: 'Show/Season 1/Show - S01E01-E02 - Pilot.mkv', length: 3 * GB },
    { path: 'Show/Season 1/Show - S01E02 - Part Two.mkv', length: 1.5 * GB },
    { path: 'Show/Season 1/Show - S01E03.mkv', length: 1.5 * GB }
  ]
  const out = identifyFiles(files, shows.drama)
  assert.deepEqual(out.matches.map((m) => label(m.episodes)), ['S01E01E02', 'S01E03'])
  assert.match(out.ignored[0]?.reason ?? '', /S01E02 is taken by "Show\/Season 1\/Show - S01E01-E02 - Pilot.mkv"/)
})

test('a complete-series pack restricted to one season', () => {
  const files = [1, 2, 3].flatMap((s) => [1, 2].map((e) => ({ path: `Show.Name.S01-S03.1080p.BluRay.x265-GRP/Season ${s}/E0${e}.mkv`, length: GB })))
  const out = identifyFiles(files, shows.drama, { season: 2 })
  assert.deepEqual(out.matches.map((m) => label(m.episodes)), ['S02E01', 'S02E02'])
  assert.equal(out.ignored.length, 4)
  assert.ok(out.ignored.every((i) => /not in the requested season 2/.test(i.reason)))
})

test('quality comes from the file name, each missing tag from the nearest folder', () => {
  const out = identifyFiles([
    { path: 'Show.Name.S02.2160p.WEB-DL.DDP5.1.DV.H.265-GRP/Season 2/05 - Title.mkv', length: GB },
    { path: 'Show.Name.S02.1080p.BluRay.x264-GRP/Show.Name.S02E06.720p.mkv', length: GB }
  ], shows.drama)
  const [a, b] = out.matches
  assert.equal(a?.quality.resolution, '2160p')
  assert.equal(a?.quality.source, 'WEB-DL')
  assert.equal(a?.quality.codec, 'x265')
  assert.equal(a?.quality.hdr, 'DV')
  assert.equal(b?.quality.resolution, '720p', 'the file name wins over its folder')
  assert.equal(b?.quality.source, 'BluRay')
})

test('a show with no known episodes: every explicit match is low, with the reason', () => {
  const out = identifyFiles([{ path: 'Show.Name.S01E01.mkv', length: GB }], { seasons: [] })
  assert.equal(out.matches[0]?.confidence, 'low')
  assert.match(out.matches[0]?.reason ?? '', /the show lists no seasons/)
  assert.equal(isConfident(out.matches[0] ?? { confidence: 'low' }), false)
})
