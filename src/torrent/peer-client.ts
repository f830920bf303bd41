// The client software of a peer, for people reading a peer list: what it says in its extended
// handshake ('v', BEP 10: "qBittorrent/4.6.3"), else what its peer id's Azureus-style prefix
// says ("-qB4630-" -> "qBittorrent 4.6.3.0"), else null. Peers write these themselves: the text
// is cleaned of control characters and bounded.

/** Client codes of Azureus-style peer ids (BEP 20), the common ones. */
const CLIENTS: Readonly<Record<string, string>> = {
  AZ: 'Vuze', BC: 'BitComet', BI: 'BiglyBT', BT: 'BitTorrent', DE: 'Deluge', FD: 'Free Download Manager', KT: 'KTorrent',
  LT: 'libtorrent', lt: 'libTorrent (rakshasa)', MM: 'momoshtrem', qB: 'qBittorrent', TR: 'Transmission', UT: 'µTorrent',
  UM: 'µTorrent Mac', WD: 'WebTorrent Desktop', WW: 'WebTorrent', XL: 'Xunlei', AG: 'Ares', A2: 'aria2', TX: 'Tixati', FW: 'FrostWire'
}

const MAX_LENGTH = 64

function clean (text: string): string | null {
  const t = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim()
  return t === '' ? null : t.slice(0, MAX_LENGTH)
}

/** `v` of the extended handshake (bytes or text) and the 20-byte peer id in hex (or null). */
export function peerClient (v: unknown, peerIdHex: string | null): string | null {
  const said = typeof v === 'string' ? clean(v) : v instanceof Uint8Array ? clean(Buffer.from(v).toString('utf8')) : null
  if (said !== null) return said
  if (peerIdHex === null || !/^[0-9a-f]{40}$/i.test(peerIdHex)) return null
  const id = Buffer.from(peerIdHex, 'hex').subarray(0, 8).toString('latin1')
  const m = /^-([A-Za-z0-9~]{2})([A-Za-z0-9]{4})-$/.exec(id)
  if (m === null) return null
  const name = CLIENTS[m[1]!]
  const version = m[2]!.split('').map((c) => /\d/.test(c) ? c : String(parseInt(c, 36))).join('.')
  return name === undefined ? `${m[1]!} ${version}` : `${name} ${version}`
}
