// get_peers lookups on the engine's DHT node for the swarm health probe. bittorrent-dht
// reports the peers of every lookup through one 'peer' event on the node, which the engine's
// torrents listen to as well: one listener here serves all probes, by info hash, and is
// removed when no probe is looking (no listener pile-up on a node the engine shares).
// The probe never announces itself to the DHT: it does not accept connections.
import type { DhtPeer, HealthDht } from './health-types.ts'

type PeerHandler = (addr: string) => void

export class DhtLookups {
  private readonly handlers = new Map<string, Set<PeerHandler>>()

  constructor (private readonly dht: HealthDht) {}

  private readonly onPeer = (peer: DhtPeer, infoHash: Uint8Array): void => {
    const set = this.handlers.get(Buffer.from(infoHash).toString('hex'))
    if (set === undefined || typeof peer?.host !== 'string') return
    for (const h of set) h(`${peer.host}:${String(peer.port)}`)
  }

  /**
   * Looks `infoHash` up: `onPeer` for each peer found, `onDone` once when the lookup ends
   * (or fails). Returns the function that stops it; after that neither is called again.
   */
  lookup (infoHash: string, onPeer: PeerHandler, onDone: () => void): () => void {
    let live = true
    const handler: PeerHandler = (addr) => { if (live) onPeer(addr) }
    const set = this.handlers.get(infoHash) ?? new Set<PeerHandler>()
    if (this.handlers.size === 0) this.dht.on('peer', this.onPeer)
    set.add(handler)
    this.handlers.set(infoHash, set)
    let abort: () => void = () => {}
    const done = (): void => { if (live) onDone() }
    try {
      abort = this.dht.lookup(infoHash, done)
    } catch {
      // a node destroyed under us (engine shutdown) is a lookup that found nothing
      queueMicrotask(done)
    }
    return () => {
      if (!live) return
      live = false
      abort()
      set.delete(handler)
      if (set.size === 0) this.handlers.delete(infoHash)
      if (this.handlers.size === 0) this.dht.off('peer', this.onPeer)
    }
  }
}
