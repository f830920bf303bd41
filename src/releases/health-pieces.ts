// Pure parts of the swarm health probe: what a peer's announced pieces say about it, and
// which peer addresses from trackers and the DHT are worth dialling.
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { dialable } from '../torrent/peer.ts'

export type PeerKind = 'seeder' | 'leecher' | 'unknown'

/** What a peer announced: its pieces with HAVEs applied, HAVE_ALL, and the size of its BITFIELD message. */
export interface Announced {
  /** wire order; empty when it announced nothing */
  bits: Uint8Array
  haveAll: boolean
  /** bytes of the BITFIELD it sent, null without one (HAVEs alone grow `bits` in steps, so its length says nothing) */
  bitfieldBytes: number | null
}

/**
 * A peer's kind from what it announced; `pieceCount` null without the metadata.
 *
 * With the piece count a peer is a seeder exactly when every piece is set. Without it, a
 * BITFIELD of L bytes stands for 8(L-1)+1 .. 8L pieces with the spare bits at the end cleared
 * (BEP 3): a piece missing before the last set bit, or within the first 8(L-1) bits, or no
 * piece at all, proves the peer incomplete; a run of set bits that ends in the last byte could
 * be complete, and stays unknown (as does a run of HAVEs without a BITFIELD).
 */
export function peerKind (a: Announced, pieceCount: number | null): PeerKind {
  if (a.haveAll) return 'seeder'
  const ones = countOnes(a.bits)
  const zero = firstZero(a.bits)
  if (pieceCount !== null) {
    // bits past the last piece (a bitfield or HAVE before the metadata bounded them) break BEP 3
    if (ones > pieceCount) return 'unknown'
    return ones === pieceCount && zero >= pieceCount ? 'seeder' : 'leecher'
  }
  if (ones === 0 || zero < ones) return 'leecher' // nothing, or a gap before the last set bit
  return a.bitfieldBytes !== null && zero < 8 * (a.bitfieldBytes - 1) ? 'leecher' : 'unknown'
}

/** The index of the first clear bit (bits.length * 8 when all are set). */
function firstZero (bits: Uint8Array): number {
  for (let i = 0; i < bits.length; i++) {
    const byte = bits[i]!
    if (byte === 0xff) continue
    for (let b = 0; b < 8; b++) if ((byte & (0x80 >> b)) === 0) return i * 8 + b
  }
  return bits.length * 8
}

function countOnes (bits: Uint8Array): number {
  let n = 0
  for (const byte of bits) for (let b = byte; b !== 0; b &= b - 1) n++
  return n
}

/**
 * "ip:port" as the probe dials and counts it (IPv6 in brackets), or null for anything that
 * is not an IP address with a port from 1 to 65535: trackers and DHT nodes are untrusted, and
 * a host name there would make the probe do DNS on a stranger's behalf. Magnet x.pe hints are
 * chosen by the user and may name a host: `allowNames` lets those through.
 */
export function peerAddress (addr: string, allowNames = false): string | null {
  const i = addr.lastIndexOf(':')
  if (i <= 0) return null
  const host = addr.slice(0, i).replace(/^\[(.*)\]$/, '$1')
  const portText = addr.slice(i + 1)
  const port = Number(portText)
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return null
  if (isIP(host) !== 0) return dialable(host, port)
  return allowNames && /^[A-Za-z0-9.-]+$/.test(host) ? `${host}:${port}` : null
}

/**
 * This machine's addresses with the port the probe announces: trackers hand the announcer
 * its own address back (bittorrent-tracker does, over HTTP and UDP), and that is no peer.
 */
export function ownAddresses (port: number): Set<string> {
  const out = new Set<string>()
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) out.add(dialable(a.address.replace(/%.*$/, ''), port))
  }
  return out
}
