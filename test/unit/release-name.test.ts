// The release-name parser on real-style names of movies and TV, scene and P2P conventions.
// Each row names only the fields it checks; quality fields are checked one by one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseReleaseName, type ReleaseName } from '../../src/releases/release-name.ts'
import { parseQuality, type Quality } from '../../src/releases/quality.ts'

type Expect = Partial<Omit<ReleaseName, 'quality'>> & { q?: Partial<Quality> }

const CASES: ReadonlyArray<readonly [string, Expect]> = [
  // Scene TV episodes
  ['Breaking.Bad.S05E14.Ozymandias.720p.WEB-DL.DD5.1.H.264-BS', { title: 'Breaking Bad', season: 5, episodes: [14], pack: 'episode', group: 'BS', q: { resolution: '720p', source: 'WEB-DL', codec: 'x264', audio: 'DD5.1' } }],
  ['Shogun.2024.S01E01.Anjin.2160p.DSNP.WEB-DL.DDP5.1.DV.HDR.H.265-NTb', { title: 'Shogun', year: 2024, season: 1, episodes: [1], group: 'NTb', q: { resolution: '2160p', source: 'WEB-DL', codec: 'x265', hdr: 'DV', audio: 'DDP5.1' } }],
  ['Game.of.Thrones.S08E03.The.Long.Night.1080p.AMZN.WEB-DL.DDP5.1.H.264-GoT', { title: 'Game of Thrones', season: 8, episodes: [3], group: 'GoT', q: { source: 'WEB-DL' } }],
  ['The.Last.of.Us.S01E03.1080p.WEB.H264-CAKES', { title: 'The Last of Us', season: 1, episodes: [3], group: 'CAKES', q: { source: 'WEB-DL', codec: 'x264', resolution: '1080p' } }],
  ['Severance.S02E10.Cold.Harbor.2160p.ATVP.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX', { title: 'Severance', season: 2, episodes: [10], group: 'FLUX', q: { hdr: 'DV', audio: 'DDP5.1 Atmos' } }],
  ['The.Bear.S03E01.Tomorrow.720p.HULU.WEB-DL.DDP5.1.H.264-NTb', { title: 'The Bear', season: 3, episodes: [1], q: { resolution: '720p' } }],
  ['Top.Gear.S22E01.HDTV.x264-FTP', { title: 'Top Gear', season: 22, episodes: [1], group: 'FTP', q: { source: 'HDTV', codec: 'x264', resolution: null } }],
  ['The.Daily.Show.2024.03.15.Jon.Stewart.720p.WEB.h264-EDITH', { title: 'The Daily Show', year: 2024, pack: null, group: 'EDITH' }],
  ['Doctor.Who.2005.S13E01.1080p.BluRay.x264-SHORTBREHD', { title: 'Doctor Who', year: 2005, season: 13, episodes: [1], q: { source: 'BluRay' } }],
  ['Mr.Robot.S04E13.Hello.Elliot.1080p.AMZN.WEBRip.DDP5.1.x264-NTb', { title: 'Mr Robot', season: 4, episodes: [13], q: { source: 'WEBRip' } }],
  ['Better.Call.Saul.S06E13.Saul.Gone.PROPER.1080p.WEB.h264-KOGi', { title: 'Better Call Saul', proper: true, repack: false, group: 'KOGi' }],
  ['House.of.the.Dragon.S02E08.REPACK.1080p.WEB.H264-SuccessfulCrab', { title: 'House of the Dragon', repack: true, proper: false, group: 'SuccessfulCrab' }],
  ['Survivor.S46E01.720p.HDTV.x264-SYNCOPY[rarbg]', { title: 'Survivor', season: 46, episodes: [1], group: 'SYNCOPY' }],
  ['Law.and.Order.SVU.S25E05.1080p.HEVC.x265-MeGusta', { title: 'Law and Order SVU', season: 25, episodes: [5], group: 'MeGusta', q: { codec: 'x265' } }],
  ['the.simpsons.s35e01.720p.web.h264-glhf', { title: 'the simpsons', season: 35, episodes: [1], group: 'glhf', q: { source: 'WEB-DL' } }],
  ['Its.Always.Sunny.in.Philadelphia.S16E01.1080p.WEB.H264-NHTFS', { title: 'Its Always Sunny in Philadelphia', season: 16 }],
  ['Grey\'s.Anatomy.S20E01.1080p.HEVC.x265-MeGusta', { title: 'Grey\'s Anatomy', season: 20, episodes: [1] }],
  // Multi-episode files
  ['Friends.S01E01E02.720p.BluRay.x264-PSYCHD', { title: 'Friends', season: 1, episodes: [1, 2], pack: 'episode', group: 'PSYCHD' }],
  ['Doctor.Who.S04E01-E02.720p.BluRay.x264-GROUP', { season: 4, episodes: [1, 2] }],
  ['The.Simpsons.S10E01-02.DVDRip.XviD-FFNDVD', { season: 10, episodes: [1, 2], q: { source: 'DVD', codec: 'XviD' } }],
  ['Sherlock.S02E01-E03.1080p.BluRay.x264-SHORTBREHD', { season: 2, episodes: [1, 2, 3] }],
  ['Lost.S01E01E02E03.720p.BluRay.x264-SiNNERS', { episodes: [1, 2, 3] }],
  ['Stargate.SG-1.S01E01-E02.Children.of.the.Gods.720p.BluRay.x264-BORDURE', { title: 'Stargate SG-1', season: 1, episodes: [1, 2], group: 'BORDURE' }],
  // 1x02 and spelled-out seasons
  ['Frasier.3x05.The.Adventures.of.Bad.Boy.and.Dirty.Girl.DVDRip.XviD', { title: 'Frasier', season: 3, episodes: [5], group: null, q: { source: 'DVD' } }],
  ['Seinfeld - 9x23 - The Finale.avi', { title: 'Seinfeld', season: 9, episodes: [23] }],
  ['Star Trek TNG Season 3 Episode 15 Yesterdays Enterprise', { title: 'Star Trek TNG', season: 3, episodes: [15], pack: 'episode' }],
  // Season packs
  ['The.Expanse.S01.1080p.BluRay.x264-ROVERS', { title: 'The Expanse', season: 1, seasons: [1], episodes: [], pack: 'season', group: 'ROVERS', q: { source: 'BluRay', codec: 'x264', resolution: '1080p' } }],
  ['Succession.S04.2160p.MAX.WEB-DL.DDP5.1.DV.HDR.H.265-FLUX', { title: 'Succession', season: 4, pack: 'season', q: { hdr: 'DV', resolution: '2160p' } }],
  ['Chernobyl.S01.COMPLETE.1080p.BluRay.x264-HDH', { title: 'Chernobyl', season: 1, pack: 'season' }],
  ['Fargo.S05.720p.x265-HETeam', { title: 'Fargo', season: 5, pack: 'season', group: 'HETeam', q: { codec: 'x265' } }],
  ['Dark Season 2 1080p NF WEB-DL DDP5.1 x264', { title: 'Dark', season: 2, pack: 'season', group: null }],
  ['The.Wire.Season.3.720p.BluRay.x264-iON', { title: 'The Wire', season: 3, pack: 'season', group: 'iON' }],
  ['Babylon Berlin Staffel 1 German 1080p BluRay x264', { title: 'Babylon Berlin', season: 1, pack: 'season' }],
  ['Lupin.Saison.1.FRENCH.1080p.NF.WEB-DL.DDP5.1.x264-FRATERNiTY', { title: 'Lupin', season: 1, pack: 'season' }],
  ['Only Murders in the Building (2021) Season 1 S01 (1080p DSNP WEB-DL x265 HEVC 10bit EAC3 5.1 Silence)', { title: 'Only Murders in the Building', year: 2021, season: 1, pack: 'season', q: { codec: 'x265', audio: 'DDP5.1' } }],
  ['Band of Brothers (2001) S01 (1080p BluRay x265 HEVC 10bit AAC 5.1 Silence)', { title: 'Band of Brothers', year: 2001, season: 1, q: { audio: 'AAC5.1', source: 'BluRay' } }],
  // Multi-season and complete
  ['The.Sopranos.S01-S06.1080p.BluRay.x264-GROUP', { title: 'The Sopranos', season: 1, seasons: [1, 2, 3, 4, 5, 6], pack: 'multi-season' }],
  ['Breaking Bad S01-S05 1080p BluRay x265', { title: 'Breaking Bad', seasons: [1, 2, 3, 4, 5], pack: 'multi-season' }],
  ['The Office (US) Season 1-9 Complete 720p', { title: 'The Office (US)', seasons: [1, 2, 3, 4, 5, 6, 7, 8, 9], pack: 'multi-season', q: { resolution: '720p' } }],
  ['Seinfeld.Seasons.1-9.DVDRip.XviD', { title: 'Seinfeld', seasons: [1, 2, 3, 4, 5, 6, 7, 8, 9], pack: 'multi-season' }],
  ['Friends.The.Complete.Series.1080p.BluRay.x265-RARBG', { title: 'Friends', season: null, seasons: [], pack: 'complete', group: 'RARBG' }],
  ['Firefly Complete Series 720p BluRay', { title: 'Firefly', pack: 'complete' }],
  ['Twin.Peaks.S01-03.1080p.BluRay.x264', { title: 'Twin Peaks', seasons: [1, 2, 3], pack: 'multi-season' }],
  // Anime
  ['[SubsPlease] Frieren - 13 (1080p) [ABCD1234].mkv', { title: 'Frieren', season: null, episodes: [13], pack: 'episode', group: 'SubsPlease', q: { resolution: '1080p' } }],
  ['[Erai-raws] Jujutsu Kaisen - 24 [1080p][Multiple Subtitle].mkv', { title: 'Jujutsu Kaisen', episodes: [24], group: 'Erai-raws' }],
  ['[HorribleSubs] One Piece - 1000 [720p].mkv', { title: 'One Piece', episodes: [1000], group: 'HorribleSubs', q: { resolution: '720p' } }],
  ['[Judas] Spy x Family - S01E05 [1080p][HEVC x265 10bit].mkv', { title: 'Spy x Family', season: 1, episodes: [5], group: 'Judas', q: { codec: 'x265' } }],
  ['[SubsPlease] Oshi no Ko - 05v2 (720p) [1F2E3D4C].mkv', { title: 'Oshi no Ko', episodes: [5] }],
  ['Cowboy.Bebop.S01.1080p.BluRay.x265.10bit.FLAC.2.0-Vodes', { title: 'Cowboy Bebop', pack: 'season', group: 'Vodes', q: { audio: 'FLAC2.0' } }],
  // Movies: scene
  ['Dune.Part.Two.2024.2160p.UHD.BluRay.REMUX.DV.HDR10.HEVC.TrueHD.7.1.Atmos-FGT', { title: 'Dune Part Two', year: 2024, pack: null, season: null, group: 'FGT', q: { resolution: '2160p', source: 'Remux', codec: 'x265', hdr: 'DV', audio: 'TrueHD Atmos' } }],
  ['Oppenheimer.2023.1080p.BluRay.x264-SPRiNTER', { title: 'Oppenheimer', year: 2023, group: 'SPRiNTER', pack: null, q: { source: 'BluRay' } }],
  ['Blade.Runner.2049.2017.2160p.UHD.BluRay.x265-TERMiNAL', { title: 'Blade Runner 2049', year: 2017, group: 'TERMiNAL' }],
  ['2001.A.Space.Odyssey.1968.1080p.BluRay.x264-AMIABLE', { title: '2001 A Space Odyssey', year: 1968, group: 'AMIABLE' }],
  ['1917.2019.1080p.BluRay.x264-SPARKS', { title: '1917', year: 2019 }],
  ['Spider-Man.No.Way.Home.2021.1080p.WEB-DL.DDP5.1.H.264-EVO', { title: 'Spider-Man No Way Home', year: 2021, group: 'EVO' }],
  ['X-Men.Days.of.Future.Past.2014.720p.BluRay.x264-SPARKS', { title: 'X-Men Days of Future Past', year: 2014, group: 'SPARKS' }],
  ['The.Matrix.1999.REMASTERED.1080p.BluRay.x264.DTS-HD.MA.5.1-FGT', { title: 'The Matrix', year: 1999, group: 'FGT', q: { audio: 'DTS-HD MA' } }],
  ['Inception.2010.1080p.BluRay.DTS.x264-CtrlHD', { title: 'Inception', year: 2010, group: 'CtrlHD', q: { audio: 'DTS' } }],
  ['Parasite.2019.KOREAN.1080p.BluRay.x264.DTS-FGT', { title: 'Parasite', year: 2019, group: 'FGT' }],
  ['Avatar.The.Way.of.Water.2022.2160p.WEB-DL.DDP5.1.Atmos.HDR10Plus.HEVC-CMRG', { title: 'Avatar The Way of Water', year: 2022, q: { hdr: 'HDR10+', audio: 'DDP5.1 Atmos' } }],
  ['Top.Gun.Maverick.2022.2160p.WEB-DL.DDP5.1.Atmos.HDR10.HEVC-TEPES', { q: { hdr: 'HDR10', codec: 'x265' } }],
  ['Planet.Earth.III.2023.2160p.iP.WEB-DL.AAC2.0.HLG.HEVC-NTb', { title: 'Planet Earth III', year: 2023, q: { hdr: 'HLG', audio: 'AAC2.0' } }],
  ['The.Holdovers.2023.1080p.AMZN.WEB-DL.DDP5.1.H.264-FLUX', { title: 'The Holdovers', year: 2023, q: { source: 'WEB-DL', codec: 'x264' } }],
  ['Killers.of.the.Flower.Moon.2023.1080p.ATVP.WEBRip.x264-GalaxyRG', { title: 'Killers of the Flower Moon', q: { source: 'WEBRip' } }],
  ['Alien.Romulus.2024.1080p.WEBRip.x265.10bit.AAC5.1-LAMA', { title: 'Alien Romulus', year: 2024, group: 'LAMA', q: { codec: 'x265', audio: 'AAC5.1' } }],
  ['Mad.Max.Fury.Road.2015.1080p.BluRay.x264.DTS-X.7.1-SWTYBLZ', { title: 'Mad Max Fury Road', q: { audio: 'DTS:X' } }],
  ['The.Lord.of.the.Rings.The.Fellowship.of.the.Ring.2001.EXTENDED.1080p.BluRay.x264-FSiHD', { title: 'The Lord of the Rings The Fellowship of the Ring', year: 2001 }],
  ['Godzilla.Minus.One.2023.JAPANESE.1080p.BluRay.AV1.Opus.5.1-RIGHTSHIFT', { title: 'Godzilla Minus One', q: { codec: 'AV1', audio: 'Opus5.1' } }],
  ['Interstellar.2014.IMAX.2160p.UHD.BluRay.x265.10bit.HDR.TrueHD.7.1.Atmos-SWTYBLZ', { q: { hdr: 'HDR', audio: 'TrueHD Atmos', resolution: '2160p' } }],
  ['Heat.1995.PROPER.1080p.BluRay.x264-PSYCHD', { title: 'Heat', year: 1995, proper: true }],
  ['Gladiator.2000.REPACK.720p.BluRay.x264-SiNNERS', { title: 'Gladiator', year: 2000, repack: true }],
  ['Barbie.2023.720p.HDCAM.x264-SUNSCREEN', { title: 'Barbie', q: { source: 'CAM' } }],
  ['Wonka.2023.HDTS.x264-CRiTiCAL', { title: 'Wonka', q: { source: 'TS' } }],
  ['The.Flash.2023.TS.1080p.x264-FREEMAN', { q: { source: 'TS', resolution: '1080p' } }],
  ['Avatar.2009.DVDSCR.XviD-MAXSPEED', { q: { source: 'SCR', codec: 'XviD' } }],
  ['The.Dark.Knight.2008.BDRip.x264-REWARD', { title: 'The Dark Knight', q: { source: 'BluRay' } }],
  ['Casablanca.1942.DVDRip.XviD-DiAMOND', { title: 'Casablanca', year: 1942, q: { source: 'DVD', codec: 'XviD' } }],
  ['Home.Alone.1990.576p.BluRay.x264', { q: { resolution: '576p' } }],
  ['Amelie.2001.FRENCH.480p.DVDRip.x264', { q: { resolution: '480p' } }],
  ['Tenet.2020.4K.HDR.2160p.BDRemux.Ita.Eng.x265-NAHOM', { q: { resolution: '2160p', source: 'Remux', hdr: 'HDR' } }],
  // Movies: P2P with spaces and parentheses
  ['Fight Club (1999) (1080p BluRay x265 HEVC 10bit AAC 5.1 Tigole)', { title: 'Fight Club', year: 1999, group: null, q: { codec: 'x265', resolution: '1080p' } }],
  ['The Godfather (1972) 1080p BrRip x264 - YIFY', { title: 'The Godfather', year: 1972, q: { source: 'BluRay' } }],
  ['Everything Everywhere All at Once (2022) [2160p] [4K] [WEB] [5.1] [YTS.MX]', { title: 'Everything Everywhere All at Once', year: 2022, q: { resolution: '2160p', source: 'WEB-DL' } }],
  ['Terminator 2 Judgment Day 1991 1080p BluRay DTS-HD MA 5.1 AVC REMUX-FraMeSToR', { title: 'Terminator 2 Judgment Day', year: 1991, group: 'FraMeSToR', q: { source: 'Remux', codec: 'x264', audio: 'DTS-HD MA' } }],
  ['Cameron.Crowe.Almost.Famous.2000.1080p.BluRay.x264-GROUP', { title: 'Cameron Crowe Almost Famous', q: { source: 'BluRay' } }],
  ['Mr.Hollands.Opus.1995.1080p.WEB-DL.AAC2.0.H.264', { title: 'Mr Hollands Opus', q: { audio: 'AAC2.0' } }],
  ['Soul.2020.1080p.DSNP.WEB-DL.DDP5.1.Atmos.DV.H.265', { title: 'Soul', group: null, q: { hdr: 'DV' } }],
  // Files inside torrents: samples, extras, trailers, extensions
  ['The.Expanse.S01E01.1080p.BluRay.x264-ROVERS/Sample/the.expanse.s01e01.sample.mkv', { sample: true, season: 1, episodes: [1] }],
  ['Dune.2021.1080p.BluRay.x264-GROUP.Trailer.mkv', { trailer: true, sample: false }],
  ['Behind.the.Scenes.Featurette.mkv', { extras: true }],
  ['Extras/Deleted Scenes.mkv', { extras: true }],
  ['Show.S01E01.720p.HDTV.x264.ts', { season: 1, episodes: [1], q: { source: 'HDTV' } }],
  ['Movie.2019.1080p.WEB-DL.mkv', { title: 'Movie', year: 2019, group: null, q: { source: 'WEB-DL' } }]
]

function check (name: string, want: Expect): void {
  const got = parseReleaseName(name)
  const { q, ...fields } = want
  for (const [key, value] of Object.entries(fields)) {
    assert.deepEqual(got[key as keyof ReleaseName], value, `${name}: ${key}`)
  }
  for (const [key, value] of Object.entries(q ?? {})) {
    assert.deepEqual(got.quality[key as keyof Quality], value, `${name}: quality.${key}`)
  }
}

test('release names: the table', () => {
  assert.ok(CASES.length >= 80)
  const failures: string[] = []
  for (const [name, want] of CASES) {
    try { check(name, want) } catch (err) { failures.push((err as Error).message.split('\n')[0] ?? '') }
  }
  assert.deepEqual(failures, [])
})

test('quality tags are whole tokens: HDTV is not HD, Cameron is not CAM, .ts is not TS, HDRip is not HDR', () => {
  assert.equal(parseQuality('Cameron.2019.1080p.WEB.h264-GRP').source, 'WEB-DL')
  assert.equal(parseQuality('The.Cam.Girl.2021.1080p').source, null)
  assert.equal(parseQuality('Show.S01E01.mpeg2.ts').source, null)
  assert.equal(parseQuality('Show.S01E01.HDTV.ts').source, 'HDTV')
  assert.equal(parseQuality('Movie.2019.HDRip.XviD').hdr, null)
  assert.equal(parseQuality('Movie.2019.1920x1080.x264').resolution, '1080p')
  assert.equal(parseQuality('Movie.2019.WEB.Rip.x264').source, 'WEBRip')
  assert.deepEqual(parseQuality('Plain title with no tags'), { resolution: null, source: null, codec: null, hdr: null, audio: null })
})

test('a year is 1900-2099, never a resolution, and a year that starts the name is its title', () => {
  assert.equal(parseReleaseName('Movie.2160p.BluRay.x265').year, null)
  assert.equal(parseReleaseName('1917.1080p.BluRay').year, null)
  assert.equal(parseReleaseName('1917.1080p.BluRay').title, '1917')
  assert.equal(parseReleaseName('Blade.Runner.1982.Final.Cut.1080p').year, 1982)
})
