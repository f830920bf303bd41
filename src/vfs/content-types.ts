// MIME types by extension. Players mostly sniff the bytes, but Kodi and Infuse pick a
// demuxer hint from getcontenttype, and browsers need it to play a file inline.

const TYPES: Readonly<Record<string, string>> = {
  mkv: 'video/x-matroska',
  mk3d: 'video/x-matroska',
  mka: 'audio/x-matroska',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  webm: 'video/webm',
  ts: 'video/mp2t',
  m2ts: 'video/mp2t',
  mts: 'video/mp2t',
  mpg: 'video/mpeg',
  mpeg: 'video/mpeg',
  wmv: 'video/x-ms-wmv',
  flv: 'video/x-flv',
  ogv: 'video/ogg',
  '3gp': 'video/3gpp',
  srt: 'application/x-subrip',
  vtt: 'text/vtt',
  ass: 'text/x-ssa',
  ssa: 'text/x-ssa',
  sub: 'text/plain',
  idx: 'text/plain',
  nfo: 'text/plain',
  txt: 'text/plain',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png'
}

/** MIME type for a lowercased extension (without the dot); application/octet-stream when unknown. */
export function contentTypeFor (ext: string): string {
  return TYPES[ext] ?? 'application/octet-stream'
}
