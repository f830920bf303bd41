// Minimal types for the untyped BitTorrent modules used by src/torrent/. Only the members we
// call are declared; everything else stays out of reach on purpose.

declare module 'bittorrent-protocol' {
  import { Duplex } from 'node:stream'
  interface PeerBits { get (index: number): boolean, buffer: Uint8Array }
  type RequestCallback = (err: Error | null, buf: Uint8Array | null) => void
  class Wire extends Duplex {
    constructor (type?: string, peEnabled?: number)
    static nativeRC4: boolean
    peerId: string | null
    type: string
    amChoking: boolean
    amInterested: boolean
    peerChoking: boolean
    peerInterested: boolean
    peerPieces: PeerBits
    peerExtensions: { dht?: boolean, fast?: boolean, extended?: boolean }
    peerExtendedHandshake: Record<string, unknown>
    extendedHandshake: Record<string, unknown>
    requests: Array<{ piece: number, offset: number, length: number }>
    peerRequests: Array<{ piece: number, offset: number, length: number }>
    downloaded: number
    uploaded: number
    /** piece payload bytes/s over the last few seconds (a `throughput` meter; call without arguments to read) */
    downloadSpeed (delta?: number): number
    uploadSpeed (delta?: number): number
    _encryptionMethod: number | null | undefined
    _peEnabled: number
    _cryptoHandshakeDone: boolean
    use (ext: unknown): void
    handshake (infoHash: string | Uint8Array, peerId: string | Uint8Array, extensions?: { dht?: boolean, fast?: boolean }): void
    startEncryption (infoHash: string): void
    setInfoHash (infoHash: string): void
    setKeepAlive (enable: boolean): void
    choke (): void
    unchoke (): void
    interested (): void
    uninterested (): void
    have (index: number): void
    bitfield (bits: Uint8Array): void
    request (index: number, offset: number, length: number, cb: RequestCallback): void
    cancel (index: number, offset: number, length: number): void
    port (port: number): void
    destroy (): this
    end (): this
    [ext: string]: any
  }
  export default Wire
}

declare module 'ut_metadata' {
  export default function utMetadata (metadata?: Uint8Array): unknown
}

declare module 'ut_pex' {
  export default function utPex (): unknown
}

declare module 'lt_donthave' {
  export default function ltDontHave (): unknown
}

declare module 'torrent-discovery' {
  import { EventEmitter } from 'node:events'
  interface DiscoveryOptions {
    infoHash: string
    peerId: string
    port: number
    announce?: string[]
    dht?: unknown
    tracker?: boolean | Record<string, unknown>
    lsd?: boolean
    intervalMs?: number
    userAgent?: string
  }
  class Discovery extends EventEmitter {
    constructor (opts: DiscoveryOptions)
    destroy (cb?: (err?: Error) => void): void
    complete (opts?: unknown): void
  }
  export default Discovery
}

declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events'
  export class Client extends EventEmitter {
    constructor (opts?: { bootstrap?: string[] | false, host?: string | false })
    listen (port?: number, cb?: () => void): void
    destroy (cb?: (err?: Error) => void): void
    addNode (node: { host: string, port: number }): void
    lookup (infoHash: string | Uint8Array, cb?: (err?: Error | null) => void): () => void
  }
}

declare module 'parse-torrent' {
  interface ParsedFile { path: string, name: string, length: number, offset: number }
  export interface ParsedTorrent {
    infoHash: string
    name?: string
    info?: Record<string, unknown>
    infoBuffer?: Uint8Array
    announce?: string[]
    peerAddresses?: string[]
    files?: ParsedFile[]
    length?: number
    pieceLength?: number
    lastPieceLength?: number
    pieces?: string[]
    private?: boolean
  }
  export default function parseTorrent (id: string | Uint8Array): Promise<ParsedTorrent>
  export function toTorrentFile (parsed: { info: unknown }): Uint8Array
}

declare module 'utp-native' {
  import { EventEmitter } from 'node:events'
  import type { Duplex } from 'node:stream'
  interface UtpSocket extends Duplex { remoteAddress?: string, remotePort?: number, setTimeout (ms: number, cb?: () => void): void }
  interface UtpServer extends EventEmitter {
    listen (port: number, host?: string, cb?: () => void): void
    address (): { port: number, address: string }
    connect (port: number, host: string): UtpSocket
    close (cb?: () => void): void
    unref (): void
    maxConnections: number
  }
  const utp: { createServer (onConnection?: (socket: UtpSocket) => void): UtpServer }
  export default utp
  export type { UtpSocket, UtpServer }
}

declare module 'bittorrent-tracker' {
  // its client, typed where it is used (releases/health-trackers.ts)
  const Client: unknown
  export default Client
}
