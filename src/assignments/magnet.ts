// Validates what a user pastes as a torrent reference and turns it into a canonical info
// hash plus the magnet to join the swarm with. Accepts a magnet URI (hex or base32 btih)
// or a bare 40-character hex info hash.
import { InvalidInputError } from '../errors.ts'

export interface TorrentRef { infoHash: string, magnetUri: string }

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function base32ToHex (s: string): string {
  let bits = ''
  for (const ch of s.toUpperCase()) {
    const v = BASE32.indexOf(ch)
    if (v < 0) throw new InvalidInputError(`magnet_uri: "${s}" is not a base32 info hash`)
    bits += v.toString(2).padStart(5, '0')
  }
  let hex = ''
  for (let i = 0; i + 4 <= bits.length && hex.length < 40; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16)
  return hex
}

export function parseTorrentRef (input: string): TorrentRef {
  const text = input.trim()
  if (/^[0-9a-fA-F]{40}$/.test(text)) {
    const infoHash = text.toLowerCase()
    return { infoHash, magnetUri: `magnet:?xt=urn:btih:${infoHash}` }
  }
  if (!text.toLowerCase().startsWith('magnet:?')) {
    throw new InvalidInputError('magnet_uri: expected a magnet link (magnet:?xt=urn:btih:...) or a 40-character info hash')
  }
  const params = new URLSearchParams(text.slice('magnet:?'.length))
  const topics = params.getAll('xt').filter((xt) => xt.toLowerCase().startsWith('urn:btih:'))
  if (topics.length === 0) {
    const v2 = params.getAll('xt').some((xt) => xt.toLowerCase().startsWith('urn:btmh:'))
    throw new InvalidInputError(v2
      ? 'magnet_uri: BitTorrent v2-only magnets (urn:btmh) are not supported; a v1 info hash (urn:btih) is needed'
      : 'magnet_uri: the magnet has no xt=urn:btih:<info hash> parameter')
  }
  const raw = topics[0]!.slice('urn:btih:'.length)
  let infoHash: string
  if (/^[0-9a-fA-F]{40}$/.test(raw)) infoHash = raw.toLowerCase()
  else if (/^[A-Za-z2-7]{32}$/.test(raw)) infoHash = base32ToHex(raw)
  else throw new InvalidInputError(`magnet_uri: "${raw}" is not an info hash (40 hex or 32 base32 characters)`)
  for (const tr of params.getAll('tr')) {
    let ok = false
    try { ok = ['http:', 'https:', 'udp:', 'ws:', 'wss:'].includes(new URL(tr).protocol) } catch {}
    if (!ok) throw new InvalidInputError(`magnet_uri: tracker "${tr}" is not an http(s), udp or ws(s) URL`)
  }
  return { infoHash, magnetUri: text }
}
