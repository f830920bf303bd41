// Quality tags of a release or file name: resolution, source, codec, HDR and audio.
// Pure and table-driven, shared by the season-pack identifier (src/packs) and release ranking.
//
// Closed sets (anything else is null, never a guess):
//   resolution  '2160p' | '1080p' | '720p' | '576p' | '480p'      (4K and UHD are 2160p)
//   source      'Remux' | 'BluRay' | 'WEB-DL' | 'WEBRip' | 'HDTV' | 'DVD' | 'SCR' | 'TC' | 'TS' | 'CAM'
//               (BDRip/BRRip are BluRay; scene "WEB" is WEB-DL; PDTV/SDTV/TVRip are HDTV)
//   codec       'x264' | 'x265' | 'AV1' | 'VP9' | 'XviD' | 'DivX' | 'MPEG-2'
//   hdr         'DV' | 'HDR10+' | 'HDR10' | 'HDR' | 'HLG'            (DV wins over an HDR10 fallback layer)
//   audio       'TrueHD' | 'DTS-HD MA' | 'DTS:X' | 'LPCM' | 'FLAC' | 'DDP' | 'DD' | 'DTS' | 'AAC' | 'Opus' | 'MP3',
//               lossy formats with their channels when named ('DDP5.1', 'AAC2.0'), ' Atmos' appended for
//               TrueHD and DDP ('TrueHD Atmos', 'DDP5.1 Atmos'). Lossless tracks carry no channel count:
//               ranking compares formats, and those are nearly always multichannel anyway.

export interface Quality { resolution: string | null, source: string | null, codec: string | null, hdr: string | null, audio: string | null }

type Rule = readonly [value: string, pattern: RegExp]

// A tag is a whole token: 'HDTV' is not 'HD', 'Cameron' is not 'CAM', 'HDRip' is not 'HDR'.
function tag (source: string, flags = 'i'): RegExp {
  return new RegExp(`(?<![A-Za-z0-9])(?:${source})(?![A-Za-z0-9])`, flags)
}

const RESOLUTIONS: readonly Rule[] = [
  ['2160p', tag('2160[pi]|4K|UHD|3840x2160')],
  ['1080p', tag('1080[pi]|1920x1080')],
  ['720p', tag('720p|1280x720')],
  ['576p', tag('576[pi]')],
  ['480p', tag('480[pi]|640x480|720x480')]
]

// First match wins, so the more specific source comes first (a Remux is also a BluRay).
// CAM, TS and TC are matched upper-case only: as words they occur in titles ("Cam", "Ts").
const SOURCES: readonly Rule[] = [
  ['Remux', tag('(?:BD|UHD)?[ .-]?Remux')],
  ['BluRay', tag('Blu-?Ray|BDRip|BRRip|BD25|BD50|BDMV')],
  ['WEBRip', tag('WEB[ .-]?Rip|WEB-?Cap')],
  ['WEB-DL', tag('WEB[ .-]?DL|WEB')],
  ['HDTV', tag('HDTV|PDTV|SDTV|TVRip|HDTVRip|DSR')],
  ['SCR', tag('DVDSCR|BDSCR|SCREENER|SCR')],
  ['DVD', tag('DVD(?:Rip|R|5|9)?')],
  ['TC', tag('TC|HDTC', '')],
  ['TC', tag('TELECINE')],
  ['TS', tag('TS|HDTS|HD-TS|PDVD', '')],
  ['TS', tag('TELESYNC')],
  ['CAM', tag('CAM|HDCAM|CAM-?Rip', '')],
  ['CAM', tag('HDCAM|CAMRip')]
]

const CODECS: readonly Rule[] = [
  ['x265', tag('[xh][ .]?265|HEVC')],
  ['x264', tag('[xh][ .]?264|AVC')],
  ['AV1', tag('AV1')],
  ['VP9', tag('VP9')],
  ['XviD', tag('XviD')],
  ['DivX', tag('DivX')],
  ['MPEG-2', tag('MPEG-?2')]
]

const HDRS: readonly Rule[] = [
  ['DV', tag('DV|DoVi|Dolby[ .]?Vision')],
  ['HDR10+', tag('HDR10\\+|HDR10Plus')],
  ['HDR10', tag('HDR10')],
  ['HDR', tag('HDR')],
  ['HLG', tag('HLG')]
]

// Channels written right after the format: "DDP5.1", "AAC.2.0", "DD+ 7.1".
const CHANNELS = '(?:[ .]?([1-9])[ .]([0-2]))?'
const AUDIOS: readonly Rule[] = [
  ['TrueHD', tag('TrueHD')],
  ['DTS-HD MA', tag('DTS[ .-]?HD[ .-]?MA')],
  ['DTS:X', tag('DTS[ .:-]?X')],
  ['LPCM', tag('L?PCM')],
  ['FLAC', tag(`FLAC${CHANNELS}`)],
  ['DDP', tag(`(?:DDP|DD\\+|E-?AC-?3)${CHANNELS}`)],
  ['DD', tag(`(?:DD|AC-?3|Dolby[ .]?Digital)${CHANNELS}`)],
  ['DTS', tag(`DTS(?:[ .-]?HD)?${CHANNELS}`)],
  ['AAC', tag(`AAC(?:[ .-]?LC)?${CHANNELS}`)],
  // "Opus" is also a title word (Mr. Holland's Opus): only with its channels
  ['Opus', tag('Opus[ .]?([1-9])[ .]([0-2])')],
  ['MP3', tag('MP3')]
]

const ATMOS = tag('Atmos')

// A file extension is not a tag: "episode.ts" is a transport stream, not a telesync.
const EXTENSION = /\.(?:mkv|mp4|m4v|avi|ts|m2ts|mts|wmv|mov|webm|mpe?g|iso|srt|ass|ssa|vtt|sub|idx|nfo|txt|jpg|png)$/i

function first (name: string, rules: readonly Rule[]): string | null {
  for (const [value, pattern] of rules) if (pattern.test(name)) return value
  return null
}

function audioOf (name: string): string | null {
  for (const [value, pattern] of AUDIOS) {
    const m = pattern.exec(name)
    if (m === null) continue
    const channels = m[1] !== undefined && m[2] !== undefined ? `${m[1]}.${m[2]}` : ''
    const atmos = (value === 'TrueHD' || value === 'DDP') && ATMOS.test(name) ? ' Atmos' : ''
    return `${value}${channels}${atmos}`
  }
  return null
}

export function parseQuality (name: string): Quality {
  const text = name.replace(EXTENSION, '')
  return {
    resolution: first(text, RESOLUTIONS),
    source: first(text, SOURCES),
    codec: first(text, CODECS),
    hdr: first(text, HDRS),
    audio: audioOf(text)
  }
}
