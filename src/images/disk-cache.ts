// TMDB images on disk, <folder>/<size>/<file>, under a byte budget: the least recently used
// go first when a write would exceed it. Writes land in a temp file renamed into place, so a
// crash or a concurrent reader never sees half an image. The index of what is held lives in
// memory, built once from the folder (oldest modified = least recently used after a restart).
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../logger.ts'
import { IMAGE_SIZES, isImageFile } from './types.ts'

const TEMP_SUFFIX = '.tmp'

export class ImageDiskCache {
  /** key 'size/file' -> bytes; Map order is use order, least recent first */
  private index: Map<string, number> | null = null
  private loading: Promise<Map<string, number>> | null = null
  private total = 0

  constructor (private readonly folder: string, private readonly limitBytes: number, private readonly log: Logger) {}

  /** Bytes held (after the index is loaded). */
  get bytes (): number { return this.total }

  /** The image's bytes, or null when it is not held (or vanished from the disk). */
  async get (size: string, file: string): Promise<Buffer | null> {
    const index = await this.load()
    const key = `${size}/${file}`
    if (!index.has(key)) return null
    try {
      const data = await readFile(join(this.folder, size, file))
      // most recently used last
      index.delete(key)
      index.set(key, data.length)
      return data
    } catch {
      this.forget(index, key)
      return null
    }
  }

  /** Stores the image atomically, then evicts the least recently used beyond the budget. */
  async put (size: string, file: string, data: Buffer): Promise<void> {
    const index = await this.load()
    const dir = join(this.folder, size)
    await mkdir(dir, { recursive: true })
    const temp = join(dir, `.${file}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`)
    try {
      await writeFile(temp, data)
      await rename(temp, join(dir, file))
    } catch (err) {
      await unlink(temp).catch(() => {})
      throw err
    }
    const key = `${size}/${file}`
    this.forget(index, key)
    index.set(key, data.length)
    this.total += data.length
    await this.evict(index, key)
  }

  private async evict (index: Map<string, number>, keep: string): Promise<void> {
    for (const [key] of index) {
      if (this.total <= this.limitBytes) return
      if (key === keep) continue
      this.forget(index, key)
      await unlink(join(this.folder, key)).catch(() => {})
    }
  }

  private forget (index: Map<string, number>, key: string): void {
    const bytes = index.get(key)
    if (bytes === undefined) return
    index.delete(key)
    this.total -= bytes
  }

  private async load (): Promise<Map<string, number>> {
    if (this.index !== null) return this.index
    this.loading ??= this.scan().then((index) => { this.index = index; return index })
    return await this.loading
  }

  /** What the folder holds, oldest first; temp files left by a crash are removed. */
  private async scan (): Promise<Map<string, number>> {
    const found: Array<{ key: string, bytes: number, mtime: number }> = []
    for (const size of IMAGE_SIZES) {
      let names: string[]
      try { names = await readdir(join(this.folder, size)) } catch { continue }
      for (const name of names) {
        const path = join(this.folder, size, name)
        if (name.endsWith(TEMP_SUFFIX)) { await unlink(path).catch(() => {}); continue }
        if (!isImageFile(name)) continue
        try {
          const st = await stat(path)
          if (st.isFile()) found.push({ key: `${size}/${name}`, bytes: st.size, mtime: st.mtimeMs })
        } catch { /* gone meanwhile */ }
      }
    }
    found.sort((a, b) => a.mtime - b.mtime)
    const index = new Map<string, number>()
    for (const f of found) { index.set(f.key, f.bytes); this.total += f.bytes }
    if (found.length > 0) this.log.debug({ images: found.length, bytes: this.total }, 'image cache loaded')
    return index
  }
}
