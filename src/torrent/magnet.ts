// The one magnet parser. What a user pastes (a magnet URI or a bare 40-character hex info
// hash) becomes a canonical info hash plus what the magnet tells the engine to contact:
// trackers (tr=) and peer hints (x.pe=). Parameter names are case-insensitive (`XT=` is a
// valid key), values are percent-decoded once, and a malformed part is an InvalidInputError
// naming it, never an exception from a decoder.
import { InvalidInputError } from '../errors.ts'

export interface Magnet {
  /** 40 lower-case hex characters */
  infoHash: string
  /** the magnet as given (trimmed), or one built from a bare hash */
  uri: string
  /** dn=, if any */
  name: string | undefined
  /** tr= announce URLs (http, https, udp, ws, wss), in order, without duplicates */
  trackers: string[]
  /** x.pe= peer hints ("host:port", "[v6]:port"), in order, without duplicates */
  peers: string[]
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const TRACKER_PROTOCOLS = new Set(['http:', 'https:', 'udp:', 'ws:', 'wss:'])
const PEER_RE = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/

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

/** The parameters of a magnet's query, names lower-cased, values decoded. */
function magnetParams (query: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const rawKey = eq < 0 ? part : part.slice(0, eq)
    const rawValue = eq < 0 ? '' : part.slice(eq + 1)
    try {
      out.push([decodeURIComponent(rawKey).toLowerCase(), decodeURIComponent(rawValue.replace(/\+/g, ' '))])
    } catch {
      throw new InvalidInputError(`magnet_uri: "${part.slice(0, 80)}" is not validly percent-encoded`)
    }
  }
  return out
}

function infoHashOf (xts: string[]): string {
  const topics = xts.filter((xt) => xt.toLowerCase().startsWith('urn:btih:'))
  if (topics.length === 0) {
    const v2 = xts.some((xt) => xt.toLowerCase().startsWith('urn:btmh:'))
    throw new InvalidInputError(v2
      ? 'magnet_uri: BitTorrent v2-only magnets (urn:btmh) are not supported; a v1 info hash (urn:btih) is needed'
      : 'magnet_uri: the magnet has no xt=urn:btih:<info hash> parameter')
  }
  const raw = topics[0]!.slice('urn:btih:'.length)
  if (/^[0-9a-fA-F]{40}$/.test(raw)) return raw.toLowerCase()
  if (/^[A-Za-z2-7]{32}$/.test(raw)) return base32ToHex(raw)
  throw new InvalidInputError(`magnet_uri: "${raw.slice(0, 80)}" is not an info hash (40 hex or 32 base32 characters)`)
}

/** An announce URL a magnet or the configuration may name: http(s), udp or ws(s). */
export function isTrackerUrl (url: string): boolean {
  try { return TRACKER_PROTOCOLS.has(new URL(url).protocol) } catch { return false }
}

function checkTracker (tr: string): string {
  if (!isTrackerUrl(tr)) throw new InvalidInputError(`magnet_uri: tracker "${tr.slice(0, 200)}" is not an http(s), udp or ws(s) URL`)
  return tr
}

function isPeerHint (hint: string): boolean {
  const port = Number(PEER_RE.exec(hint)?.[1] ?? 0)
  return port > 0 && port < 65536
}

/** A magnet URI or a bare hex info hash; InvalidInputError (400) says what is wrong. */
export function parseMagnet (input: string): Magnet {
  const text = input.trim()
  if (/^[0-9a-fA-F]{40}$/.test(text)) {
    const infoHash = text.toLowerCase()
    return { infoHash, uri: `magnet:?xt=urn:btih:${infoHash}`, name: undefined, trackers: [], peers: [] }
  }
  if (!text.toLowerCase().startsWith('magnet:?')) {
    throw new InvalidInputError('magnet_uri: expected a magnet link (magnet:?xt=urn:btih:...) or a 40-character info hash')
  }
  const params = magnetParams(text.slice('magnet:?'.length))
  const all = (key: string): string[] => [...new Set(params.filter(([k]) => k === key).map(([, v]) => v))]
  return {
    infoHash: infoHashOf(all('xt')),
    uri: text,
    name: all('dn')[0],
    trackers: all('tr').map(checkTracker),
    // a hint that is not host:port can't be dialled; it is dropped rather than refusing the magnet
    peers: all('x.pe').filter(isPeerHint)
  }
}
