// What survives a restart, under metadata_folder: our peer id (peer-id), and per torrent the
// info dictionary (<hash>.torrent, bencoded { info }) plus <hash>.json (magnet, trackers,
// remembered peers, addedAt). Every file is written to a temp name and renamed (atomic).
import { randomBytes } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { join } from 'node:path'

export interface TorrentRecord {
  magnet: string
  trackers: string[]
  /** "host:port" of peers seen, most recent first */
  peers: string[]
  addedAt: string
}

export const PEER_ID_PREFIX = '-MM0001-'

async function writeAtomic (path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await fsp.writeFile(tmp, data)
  await fsp.rename(tmp, path)
}

export class Persistence {
  constructor (readonly folder: string) {}

  async init (): Promise<void> {
    await fsp.mkdir(this.folder, { recursive: true })
    for (const name of await fsp.readdir(this.folder)) {
      if (name.endsWith('.tmp')) await fsp.rm(join(this.folder, name), { force: true })
    }
  }

  /** Our 20-byte peer id, generated once (prefix -MM0001-) and kept in peer-id. */
  async peerId (): Promise<Buffer> {
    const path = join(this.folder, 'peer-id')
    const saved = await fsp.readFile(path, 'utf8').catch(() => '')
    if (/^[0-9a-f]{40}$/.test(saved.trim())) return Buffer.from(saved.trim(), 'hex')
    const id = Buffer.concat([Buffer.from(PEER_ID_PREFIX), randomBytes(12)])
    await writeAtomic(path, id.toString('hex'))
    return id
  }

  async saveMeta (infoHash: string, torrentFile: Uint8Array): Promise<void> {
    await writeAtomic(join(this.folder, `${infoHash}.torrent`), torrentFile)
  }

  async saveRecord (infoHash: string, rec: TorrentRecord): Promise<void> {
    await writeAtomic(join(this.folder, `${infoHash}.json`), JSON.stringify(rec))
  }

  async loadMeta (infoHash: string): Promise<Buffer | null> {
    return await fsp.readFile(join(this.folder, `${infoHash}.torrent`)).catch(() => null)
  }

  async loadRecord (infoHash: string): Promise<TorrentRecord | null> {
    const text = await fsp.readFile(join(this.folder, `${infoHash}.json`), 'utf8').catch(() => null)
    if (text === null) return null
    try {
      const r = JSON.parse(text) as Partial<TorrentRecord>
      return {
        magnet: typeof r.magnet === 'string' ? r.magnet : `magnet:?xt=urn:btih:${infoHash}`,
        trackers: Array.isArray(r.trackers) ? r.trackers.filter(t => typeof t === 'string') : [],
        peers: Array.isArray(r.peers) ? r.peers.filter(p => typeof p === 'string') : [],
        addedAt: typeof r.addedAt === 'string' ? r.addedAt : new Date().toISOString()
      }
    } catch { return null }
  }

  /** Info hashes with a persisted info dictionary. */
  async list (): Promise<string[]> {
    const names = await fsp.readdir(this.folder).catch(() => [] as string[])
    return names.filter(n => /^[0-9a-f]{40}\.torrent$/.test(n)).map(n => n.slice(0, 40))
  }

  async remove (infoHash: string): Promise<void> {
    await fsp.rm(join(this.folder, `${infoHash}.torrent`), { force: true })
    await fsp.rm(join(this.folder, `${infoHash}.json`), { force: true })
  }
}
