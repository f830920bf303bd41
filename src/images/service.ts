// TMDB images through the server, so the web UI needs neither the internet's image CDN in its
// page nor TMDB's key: the disk cache first, else one fetch per image however many requests
// wait for it (bounded in time and size), stored and answered. Whatever goes wrong upstream
// (no key, TMDB down or slow, an error status) answers the placeholder: a grid never shows
// a broken image, and nothing is cached that could hide the real image later.
import type { Logger } from '../logger.ts'
import type { ImageBaseUrl } from './base-url.ts'
import type { ImageDiskCache } from './disk-cache.ts'
import { placeholder } from './placeholder.ts'
import { contentTypeOf, isImageFile, type ImageAnswer, type ImageSize } from './types.ts'

/** TMDB's originals are a few MB; anything far bigger is not an image we want to hold. */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024

export interface ImageServiceDeps {
  /** false: no TMDB key, every image is the placeholder (no request is made) */
  configured: boolean
  baseUrl: ImageBaseUrl
  cache: ImageDiskCache
  /** per image fetch, headers and body */
  timeoutMs: number
  fetch?: typeof fetch
  log: Logger
}

export class ImageService {
  private readonly inflight = new Map<string, Promise<Buffer>>()
  private readonly fetchFn: typeof fetch

  constructor (private readonly deps: ImageServiceDeps) {
    this.fetchFn = deps.fetch ?? fetch
  }

  /** The image, or the placeholder; never throws for upstream trouble. */
  async get (size: ImageSize, file: string): Promise<ImageAnswer> {
    // the route validates too; the name becomes a path below the cache folder
    if (!isImageFile(file)) return placeholder()
    const cached = await this.deps.cache.get(size, file)
    if (cached !== null) return { data: cached, contentType: contentTypeOf(file), placeholder: false }
    if (!this.deps.configured) return placeholder()
    const key = `${size}/${file}`
    let pending = this.inflight.get(key)
    if (pending === undefined) {
      pending = this.fetchAndStore(size, file).finally(() => { this.inflight.delete(key) })
      this.inflight.set(key, pending)
    }
    try {
      return { data: await pending, contentType: contentTypeOf(file), placeholder: false }
    } catch (err) {
      this.deps.log.debug({ size, file, err: (err as Error).message }, 'image not available, placeholder served')
      return placeholder()
    }
  }

  private async fetchAndStore (size: ImageSize, file: string): Promise<Buffer> {
    const base = await this.deps.baseUrl.get()
    const url = `${base}${size}/${file}`
    let data: Buffer
    try {
      data = await this.download(url)
    } catch (err) {
      // a CDN that moved answers nothing useful at the old address: ask TMDB again next time
      if (!(err instanceof StatusError)) this.deps.baseUrl.invalidate()
      throw err
    }
    try {
      await this.deps.cache.put(size, file, data)
    } catch (err) {
      // a full or read-only disk costs the cache, not the answer
      this.deps.log.warn({ err, size, file }, 'image could not be cached')
    }
    return data
  }

  private async download (url: string): Promise<Buffer> {
    const res = await this.fetchFn(url, { signal: AbortSignal.timeout(this.deps.timeoutMs), headers: { accept: 'image/*' } })
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {})
      throw new StatusError(`${url} answered HTTP ${res.status}`)
    }
    const type = res.headers.get('content-type') ?? ''
    if (!type.startsWith('image/')) {
      await res.body?.cancel().catch(() => {})
      throw new StatusError(`${url} answered ${type === '' ? 'no content type' : type}, not an image`)
    }
    return await readLimited(res, MAX_IMAGE_BYTES)
  }
}

/** The image server answered, with something other than the image. */
class StatusError extends Error {}

async function readLimited (res: Response, max: number): Promise<Buffer> {
  if (res.body === null) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let n = 0
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    n += chunk.length
    if (n > max) throw new StatusError(`image over ${max} bytes`)
    chunks.push(Buffer.from(chunk))
  }
  if (n === 0) throw new StatusError('empty image')
  return Buffer.concat(chunks)
}
