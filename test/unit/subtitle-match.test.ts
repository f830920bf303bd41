import { test } from 'node:test'
import assert from 'node:assert/strict'
import { matchSubtitles, type TorrentSubtitle } from '../../src/subtitles/in-torrent.ts'

const GB = 1_500_000_000
const SRT = 60_000

interface Case {
  name: string
  /** The torrent's files in order: [path, bytes]. */
  files: Array<[string, number]>
  /** Paths of the videos being published; every non-sample video when left out. */
  publish?: string[]
  /** video path -> "<subtitle path> <language|-> [forced] [sdh] [pair=<path>] (<reason>)" */
  want: Record<string, string[]>
  /** subtitle path -> reason */
  unmatched?: Record<string, string>
}

const show = (code: string): string => `Show.${code}.1080p.WEBRip.x265-RARBG`
const RARBG_PACK = 'Show.S01.1080p.WEBRip.x265-RARBG'

const CASES: Case[] = [
  {
    name: 'RARBG movie: Subs/<n>_<Language>.srt beside the only video',
    files: [
      ['Movie.2019.1080p.BluRay.x264-RARBG/Movie.2019.1080p.BluRay.x264-RARBG.mp4', GB],
      ['Movie.2019.1080p.BluRay.x264-RARBG/RARBG.txt', 30],
      ['Movie.2019.1080p.BluRay.x264-RARBG/Subs/2_English.srt', SRT],
      ['Movie.2019.1080p.BluRay.x264-RARBG/Subs/3_English.srt', SRT],
      ['Movie.2019.1080p.BluRay.x264-RARBG/Subs/4_French.srt', SRT],
      ['Movie.2019.1080p.BluRay.x264-RARBG/Subs/21_Brazilian.srt', SRT]
    ],
    want: {
      'Movie.2019.1080p.BluRay.x264-RARBG/Movie.2019.1080p.BluRay.x264-RARBG.mp4': [
        'Movie.2019.1080p.BluRay.x264-RARBG/Subs/2_English.srt en (in a folder named after the video)',
        'Movie.2019.1080p.BluRay.x264-RARBG/Subs/3_English.srt en (in a folder named after the video)',
        'Movie.2019.1080p.BluRay.x264-RARBG/Subs/4_French.srt fr (in a folder named after the video)',
        'Movie.2019.1080p.BluRay.x264-RARBG/Subs/21_Brazilian.srt pt (in a folder named after the video)'
      ]
    }
  },
  {
    name: 'Tigole/QxR movie: English, SDH and forced English in Subs/',
    files: [
      ['Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Fight Club (1999) (1080p BluRay x265 10bit Tigole).mkv', GB],
      ['Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Subs/English.srt', SRT],
      ['Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Subs/English (SDH).srt', SRT],
      ['Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Subs/English (Forced).srt', 900],
      ['Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Subs/Spanish (Latin American).srt', SRT]
    ],
    want: {
      'Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Fight Club (1999) (1080p BluRay x265 10bit Tigole).mkv': [
        'Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Subs/English.srt en (in a folder named after the video)',
        'Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Subs/English (SDH).srt en sdh (in a folder named after the video)',
        'Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Subs/English (Forced).srt en forced (in a folder named after the video)',
        'Fight Club (1999) (1080p BluRay x265 10bit Tigole)/Subs/Spanish (Latin American).srt es (in a folder named after the video)'
      ]
    }
  },
  {
    name: 'YTS movie: a subtitle named like the video, a sample and its subtitle left out',
    files: [
      ['Movie (2019) [1080p] [YTS.MX]/Movie.2019.1080p.BluRay.x264.AAC5.1-[YTS.MX].mp4', GB],
      ['Movie (2019) [1080p] [YTS.MX]/Movie.2019.1080p.BluRay.x264.AAC5.1-[YTS.MX].srt', SRT],
      ['Movie (2019) [1080p] [YTS.MX]/www.YTS.MX.jpg', 50_000],
      ['Movie (2019) [1080p] [YTS.MX]/Sample/movie.sample.mkv', 40_000_000],
      ['Movie (2019) [1080p] [YTS.MX]/Sample/movie.sample.srt', 400]
    ],
    want: {
      'Movie (2019) [1080p] [YTS.MX]/Movie.2019.1080p.BluRay.x264.AAC5.1-[YTS.MX].mp4': [
        'Movie (2019) [1080p] [YTS.MX]/Movie.2019.1080p.BluRay.x264.AAC5.1-[YTS.MX].srt - (same name as the video)'
      ]
    },
    unmatched: { 'Movie (2019) [1080p] [YTS.MX]/Sample/movie.sample.srt': 'sample (in the folder "Sample")' }
  },
  {
    name: 'scene movie: .eng.srt after the release name, a tiny placeholder, an unnamed sample by size',
    files: [
      ['Movie.2019.1080p.BluRay.x264-SPARKS/movie.2019.1080p.bluray.x264-sparks.mkv', GB],
      ['Movie.2019.1080p.BluRay.x264-SPARKS/movie.2019.1080p.bluray.x264-sparks.eng.srt', SRT],
      ['Movie.2019.1080p.BluRay.x264-SPARKS/movie.2019.1080p.bluray.x264-sparks.ger.forced.srt', 2_000],
      ['Movie.2019.1080p.BluRay.x264-SPARKS/Subs/1_English.srt', 12],
      ['Movie.2019.1080p.BluRay.x264-SPARKS/sparks-movie-1080p.mkv', 45_000_000],
      ['Movie.2019.1080p.BluRay.x264-SPARKS/English.srt', SRT]
    ],
    publish: ['Movie.2019.1080p.BluRay.x264-SPARKS/movie.2019.1080p.bluray.x264-sparks.mkv'],
    want: {
      'Movie.2019.1080p.BluRay.x264-SPARKS/movie.2019.1080p.bluray.x264-sparks.mkv': [
        'Movie.2019.1080p.BluRay.x264-SPARKS/movie.2019.1080p.bluray.x264-sparks.eng.srt en (same name as the video)',
        'Movie.2019.1080p.BluRay.x264-SPARKS/movie.2019.1080p.bluray.x264-sparks.ger.forced.srt de forced (same name as the video)',
        'Movie.2019.1080p.BluRay.x264-SPARKS/English.srt en (in a folder named after the video)'
      ]
    },
    unmatched: { 'Movie.2019.1080p.BluRay.x264-SPARKS/Subs/1_English.srt': 'under 32 bytes' }
  },
  {
    name: 'DVD rip: a VobSub .sub/.idx pair, a MicroDVD .sub, an .idx without its .sub',
    files: [
      ['Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.avi', 700_000_000],
      ['Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.idx', 80_000],
      ['Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.sub', 4_000_000],
      ['Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.pol.sub', 40_000],
      ['Movie.2001.DVDRip.XviD-GRP/Subs/Movie.2001.DVDRip.XviD-GRP.eng.idx', 70_000],
      ['Movie.2001.DVDRip.XviD-GRP/Subs/Movie.2001.DVDRip.XviD-GRP.eng.sub', 3_000_000],
      ['Movie.2001.DVDRip.XviD-GRP/Subs/Old.idx', 70_000]
    ],
    want: {
      'Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.avi': [
        'Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.idx - pair=Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.sub (same name as the video)',
        'Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.sub - pair=Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.idx (same name as the video)',
        'Movie.2001.DVDRip.XviD-GRP/Movie.2001.DVDRip.XviD-GRP.pol.sub pl (same name as the video)',
        'Movie.2001.DVDRip.XviD-GRP/Subs/Movie.2001.DVDRip.XviD-GRP.eng.idx en pair=Movie.2001.DVDRip.XviD-GRP/Subs/Movie.2001.DVDRip.XviD-GRP.eng.sub (same name as the video)',
        'Movie.2001.DVDRip.XviD-GRP/Subs/Movie.2001.DVDRip.XviD-GRP.eng.sub en pair=Movie.2001.DVDRip.XviD-GRP/Subs/Movie.2001.DVDRip.XviD-GRP.eng.idx (same name as the video)'
      ]
    },
    unmatched: { 'Movie.2001.DVDRip.XviD-GRP/Subs/Old.idx': 'VobSub .idx without its .sub' }
  },
  {
    name: 'RARBG TV pack: per-episode folders in Subs/; an unpublished episode and one not in the torrent',
    files: [
      [`${RARBG_PACK}/${show('S01E01')}.mp4`, GB],
      [`${RARBG_PACK}/${show('S01E02')}.mp4`, GB],
      [`${RARBG_PACK}/${show('S01E03')}.mp4`, GB],
      [`${RARBG_PACK}/Subs/${show('S01E01')}/2_English.srt`, SRT],
      [`${RARBG_PACK}/Subs/${show('S01E01')}/3_Spanish.srt`, SRT],
      [`${RARBG_PACK}/Subs/${show('S01E02')}/2_English.srt`, SRT],
      [`${RARBG_PACK}/Subs/${show('S01E03')}/2_English.srt`, SRT],
      [`${RARBG_PACK}/Subs/${show('S01E04')}/2_English.srt`, SRT],
      [`${RARBG_PACK}/Subs/2_English.srt`, SRT]
    ],
    publish: [`${RARBG_PACK}/${show('S01E01')}.mp4`, `${RARBG_PACK}/${show('S01E02')}.mp4`],
    want: {
      [`${RARBG_PACK}/${show('S01E01')}.mp4`]: [
        `${RARBG_PACK}/Subs/${show('S01E01')}/2_English.srt en (in a folder named after the video)`,
        `${RARBG_PACK}/Subs/${show('S01E01')}/3_Spanish.srt es (in a folder named after the video)`
      ],
      [`${RARBG_PACK}/${show('S01E02')}.mp4`]: [
        `${RARBG_PACK}/Subs/${show('S01E02')}/2_English.srt en (in a folder named after the video)`
      ]
    },
    unmatched: {
      [`${RARBG_PACK}/Subs/${show('S01E03')}/2_English.srt`]: `belongs to ${RARBG_PACK}/${show('S01E03')}.mp4, which is not being published`,
      [`${RARBG_PACK}/Subs/${show('S01E04')}/2_English.srt`]: 'names S01E04, which no video of the torrent is',
      [`${RARBG_PACK}/Subs/2_English.srt`]: 'no name, folder or episode code ties it to one of the 3 videos'
    }
  },
  {
    name: 'TV pack: Subs/S01E02-style folders and codes in subtitle names',
    files: [
      ['Show.Name.S02.720p.HDTV.x264-SVA/Show.Name.S02E01.720p.HDTV.x264-SVA.mkv', GB],
      ['Show.Name.S02.720p.HDTV.x264-SVA/Show.Name.S02E02.720p.HDTV.x264-SVA.mkv', GB],
      ['Show.Name.S02.720p.HDTV.x264-SVA/Subs/S02E01/English.srt', SRT],
      ['Show.Name.S02.720p.HDTV.x264-SVA/Subs/S02E02/English (SDH).srt', SRT],
      ['Show.Name.S02.720p.HDTV.x264-SVA/Subs/show.name.s02e02.french.srt', SRT],
      ['Show.Name.S02.720p.HDTV.x264-SVA/Subs/show.name.s02e03.french.srt', SRT]
    ],
    want: {
      'Show.Name.S02.720p.HDTV.x264-SVA/Show.Name.S02E01.720p.HDTV.x264-SVA.mkv': [
        'Show.Name.S02.720p.HDTV.x264-SVA/Subs/S02E01/English.srt en (same episode code S02E01)'
      ],
      'Show.Name.S02.720p.HDTV.x264-SVA/Show.Name.S02E02.720p.HDTV.x264-SVA.mkv': [
        'Show.Name.S02.720p.HDTV.x264-SVA/Subs/S02E02/English (SDH).srt en sdh (same episode code S02E02)',
        'Show.Name.S02.720p.HDTV.x264-SVA/Subs/show.name.s02e02.french.srt fr (same episode code S02E02)'
      ]
    },
    unmatched: { 'Show.Name.S02.720p.HDTV.x264-SVA/Subs/show.name.s02e03.french.srt': 'names S02E03, which no video of the torrent is' }
  },
  {
    name: 'pack with a folder per episode: a subtitle of another episode misfiled beside E01 goes to E02',
    files: [
      ['Show.S01.1080p/Show.S01E01.1080p/Show.S01E01.1080p.mkv', GB],
      ['Show.S01.1080p/Show.S01E01.1080p/English.srt', SRT],
      ['Show.S01.1080p/Show.S01E01.1080p/Show.S01E02.1080p.en.srt', SRT],
      ['Show.S01.1080p/Show.S01E02.1080p/Show.S01E02.1080p.mkv', GB]
    ],
    want: {
      'Show.S01.1080p/Show.S01E01.1080p/Show.S01E01.1080p.mkv': [
        'Show.S01.1080p/Show.S01E01.1080p/English.srt en (in a folder named after the video)'
      ],
      'Show.S01.1080p/Show.S01E02.1080p/Show.S01E02.1080p.mkv': [
        'Show.S01.1080p/Show.S01E01.1080p/Show.S01E02.1080p.en.srt en (same name as the video)'
      ]
    }
  },
  {
    name: 'anime batch: .ass beside each .mkv, shorter names in Subtitles/, fonts ignored',
    files: [
      ['[Group] Show (2020) [1080p]/[Group] Show - 01 [1080p][HEVC].mkv', GB],
      ['[Group] Show (2020) [1080p]/[Group] Show - 01 [1080p][HEVC].ass', 40_000],
      ['[Group] Show (2020) [1080p]/[Group] Show - 02 [1080p][HEVC].mkv', GB],
      ['[Group] Show (2020) [1080p]/[Group] Show - 02 [1080p][HEVC].eng.ass', 40_000],
      ['[Group] Show (2020) [1080p]/[Group] Show - 10 [1080p][HEVC].mkv', GB],
      ['[Group] Show (2020) [1080p]/Subtitles/[Group] Show - 10 [eng].ass', 40_000],
      ['[Group] Show (2020) [1080p]/Subtitles/[Group] Show - 1.ass', 40_000],
      ['[Group] Show (2020) [1080p]/Fonts/Arial.ttf', 300_000]
    ],
    want: {
      '[Group] Show (2020) [1080p]/[Group] Show - 01 [1080p][HEVC].mkv': [
        '[Group] Show (2020) [1080p]/[Group] Show - 01 [1080p][HEVC].ass - (same name as the video)'
      ],
      '[Group] Show (2020) [1080p]/[Group] Show - 02 [1080p][HEVC].mkv': [
        '[Group] Show (2020) [1080p]/[Group] Show - 02 [1080p][HEVC].eng.ass en (same name as the video)'
      ],
      '[Group] Show (2020) [1080p]/[Group] Show - 10 [1080p][HEVC].mkv': []
    },
    unmatched: {
      // "- 10 [eng]" is not a prefix of "- 10 [1080p]", and "- 1" is not "- 10": no certainty
      '[Group] Show (2020) [1080p]/Subtitles/[Group] Show - 10 [eng].ass': 'no name, folder or episode code ties it to one of the 3 videos',
      '[Group] Show (2020) [1080p]/Subtitles/[Group] Show - 1.ass': 'no name, folder or episode code ties it to one of the 3 videos'
    }
  },
  {
    name: 'anime: the video name is the subtitle name plus tags',
    files: [
      ['Show/[Group] Show - 01 [1080p].mkv', GB],
      ['Show/[Group] Show - 02 [1080p].mkv', GB],
      ['Show/Subs/[Group] Show - 01.ass', 40_000],
      ['Show/Subs/[Group] Show - 02.ass', 40_000]
    ],
    want: {
      'Show/[Group] Show - 01 [1080p].mkv': ["Show/Subs/[Group] Show - 01.ass - (the video's name starts with the subtitle's)"],
      'Show/[Group] Show - 02 [1080p].mkv': ["Show/Subs/[Group] Show - 02.ass - (the video's name starts with the subtitle's)"]
    }
  },
  {
    name: 'movie collection: each Subs/ folder belongs to the one video beside it',
    files: [
      ['Collection (2001-2003)/Movie One (2001)/Movie.One.2001.1080p.BluRay.x264.mkv', GB],
      ['Collection (2001-2003)/Movie One (2001)/Subs/English.srt', SRT],
      ['Collection (2001-2003)/Movie Two (2003)/Movie.Two.2003.1080p.BluRay.x264.mkv', GB],
      ['Collection (2001-2003)/Movie Two (2003)/Subtitles/2_English.srt', SRT],
      ['Collection (2001-2003)/Movie Two (2003)/French.srt', SRT],
      ['Collection (2001-2003)/Subs/English.srt', SRT]
    ],
    want: {
      'Collection (2001-2003)/Movie One (2001)/Movie.One.2001.1080p.BluRay.x264.mkv': [
        'Collection (2001-2003)/Movie One (2001)/Subs/English.srt en (in the "Subs" folder beside the video)'
      ],
      'Collection (2001-2003)/Movie Two (2003)/Movie.Two.2003.1080p.BluRay.x264.mkv': [
        'Collection (2001-2003)/Movie Two (2003)/Subtitles/2_English.srt en (in the "Subtitles" folder beside the video)',
        'Collection (2001-2003)/Movie Two (2003)/French.srt fr (the only video in its folder)'
      ]
    },
    unmatched: { 'Collection (2001-2003)/Subs/English.srt': 'no name, folder or episode code ties it to one of the 2 videos' }
  },
  {
    name: 'multi-episode file: subtitles of either episode or of both',
    files: [
      ['Show.S01/Show.S01E01E02.720p.mkv', GB],
      ['Show.S01/Show.S01E03.720p.mkv', GB],
      ['Show.S01/Subs/S01E01/English.srt', SRT],
      ['Show.S01/Show.S01E01E02.720p.en.srt', SRT],
      ['Show.S01/Subs/S01E03/English.srt', SRT]
    ],
    want: {
      'Show.S01/Show.S01E01E02.720p.mkv': [
        'Show.S01/Subs/S01E01/English.srt en (same episode code S01E01)',
        'Show.S01/Show.S01E01E02.720p.en.srt en (same name as the video)'
      ],
      'Show.S01/Show.S01E03.720p.mkv': ['Show.S01/Subs/S01E03/English.srt en (same episode code S01E03)']
    }
  },
  {
    name: 'movie with extras: a featurette\'s subtitle is not the movie\'s',
    files: [
      ['Movie (2019)/Movie (2019).mkv', GB],
      ['Movie (2019)/Movie (2019).en.srt', SRT],
      ['Movie (2019)/Featurettes/Making Of.mkv', 300_000_000],
      ['Movie (2019)/Featurettes/Making Of.en.srt', 20_000]
    ],
    publish: ['Movie (2019)/Movie (2019).mkv'],
    want: { 'Movie (2019)/Movie (2019).mkv': ['Movie (2019)/Movie (2019).en.srt en (same name as the video)'] },
    unmatched: { 'Movie (2019)/Featurettes/Making Of.en.srt': 'extra (in the folder "Featurettes")' }
  },
  {
    name: 'same episode in two qualities: a root subtitle named after both is left out',
    files: [
      ['Show.S01E01/1080p/Show.S01E01.mkv', GB],
      ['Show.S01E01/720p/Show.S01E01.mkv', 700_000_000],
      ['Show.S01E01/Show.S01E01.en.srt', SRT],
      ['Show.S01E01/720p/Show.S01E01.fr.srt', SRT]
    ],
    want: {
      'Show.S01E01/1080p/Show.S01E01.mkv': [],
      'Show.S01E01/720p/Show.S01E01.mkv': ['Show.S01E01/720p/Show.S01E01.fr.srt fr (same name as the video)']
    },
    unmatched: {
      'Show.S01E01/Show.S01E01.en.srt': 'same name as the video, but fits 2 videos: Show.S01E01/1080p/Show.S01E01.mkv, Show.S01E01/720p/Show.S01E01.mkv'
    }
  },
  {
    name: 'single episode torrent: a subtitle of the next episode is not this one\'s',
    files: [
      ['Show.S01E02.720p.HDTV.x264-GRP/Show.S01E02.720p.HDTV.x264-GRP.mkv', GB],
      ['Show.S01E02.720p.HDTV.x264-GRP/Subs/English.srt', SRT],
      ['Show.S01E02.720p.HDTV.x264-GRP/Show.S01E03.720p.HDTV.x264-GRP.srt', SRT]
    ],
    want: {
      'Show.S01E02.720p.HDTV.x264-GRP/Show.S01E02.720p.HDTV.x264-GRP.mkv': [
        'Show.S01E02.720p.HDTV.x264-GRP/Subs/English.srt en (in a folder named after the video)'
      ]
    },
    unmatched: { 'Show.S01E02.720p.HDTV.x264-GRP/Show.S01E03.720p.HDTV.x264-GRP.srt': 'names S01E03, which no video of the torrent is' }
  },
  {
    name: 'loose files: a movie at the torrent root with subtitles named otherwise',
    files: [
      ['Movie.2019.1080p.WEB-DL.mkv', GB],
      ['Movie.2019.1080p.WEB-DL.Subs/Spanish.srt', SRT],
      ['eng.srt', SRT]
    ],
    want: {
      'Movie.2019.1080p.WEB-DL.mkv': [
        'Movie.2019.1080p.WEB-DL.Subs/Spanish.srt es (the only video in the torrent)',
        'eng.srt en (the only video in its folder)'
      ]
    }
  },
  {
    name: 'a torrent of subtitles only',
    files: [['Movie.2019.Subs/English.srt', SRT]],
    publish: [],
    want: {},
    unmatched: { 'Movie.2019.Subs/English.srt': 'the torrent has no video' }
  }
]

function describe (s: TorrentSubtitle, files: Case['files']): string {
  const parts = [s.path, s.language ?? '-']
  if (s.forced) parts.push('forced')
  if (s.sdh) parts.push('sdh')
  if (s.pair !== null) parts.push(`pair=${files[s.pair]?.[0] ?? '?'}`)
  return `${parts.join(' ')} (${s.reason})`
}

for (const c of CASES) {
  test(c.name, () => {
    const files = c.files.map(([path, length]) => ({ path, length }))
    const publish = c.publish ?? c.files.map(([p]) => p).filter((p) => /\.(mkv|mp4|avi)$/.test(p) && !/sample/i.test(p))
    const videos = publish.map((path) => ({ fileIndex: c.files.findIndex(([p]) => p === path), path }))
    const result = matchSubtitles(files, videos)
    const got: Record<string, string[]> = {}
    for (const [index, subs] of result.byVideo) got[files[index]?.path ?? '?'] = subs.map((s) => describe(s, c.files))
    assert.deepEqual(got, c.want)
    assert.deepEqual(Object.fromEntries(result.unmatched.map((u) => [u.path, u.reason])), c.unmatched ?? {})
  })
}

test('a placed subtitle carries its file index, size and extension', () => {
  const result = matchSubtitles(
    [
      { path: 'Movie/Movie.mkv', length: GB },
      { path: 'Movie/Movie.en.forced.ass', length: 3_000 },
      { path: 'Movie/Movie.VTT', length: 5_000 }
    ],
    [{ fileIndex: 0, path: 'Movie/Movie.mkv' }]
  )
  assert.deepEqual(result.byVideo.get(0), [
    { fileIndex: 1, path: 'Movie/Movie.en.forced.ass', length: 3_000, ext: 'ass', language: 'en', forced: true, sdh: false, pair: null, reason: 'same name as the video' },
    { fileIndex: 2, path: 'Movie/Movie.VTT', length: 5_000, ext: 'vtt', language: null, forced: false, sdh: false, pair: null, reason: 'same name as the video' }
  ])
  assert.deepEqual(result.unmatched, [])
})
