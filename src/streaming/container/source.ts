// The probes' view of the file: the first read is kept and serves every later request it
// covers, other requests go to the caller's read function. Counts reads, caps their number,
// and tells read failures (rethrown to the caller) apart from parse bugs (treated as garbage).
import type { ReadAt } from './types.ts'

/** Wraps an error thrown by the caller's read function so locate() can rethrow it as is. */
export class ReadFailed extends Error {
  constructor (readonly original: unknown) { super('read failed') }
}

export class ByteSource {
  reads = 0
  bytesRead = 0
  head: Buffer = Buffer.alloc(0)
  /** recent reads besides the head, newest last; later requests they cover cost nothing */
  private readonly recent: Array<{ offset: number, buf: Buffer }> = []

  constructor (
    readonly size: number,
    private readonly readFn: ReadAt,
    private readonly maxReads: number
  ) {}

  async loadHead (length: number): Promise<void> {
    this.head = (await this.read(0, length)) ?? Buffer.alloc(0)
  }

  /**
   * Bytes [offset, offset + length) clamped to EOF, or null once the read budget is spent.
   * The result is shorter than asked at EOF or when the caller's read came back short.
   */
  async read (offset: number, length: number): Promise<Buffer | null> {
    const end = Math.min(this.size, offset + length)
    if (offset < 0 || end <= offset) return Buffer.alloc(0)
    if (end <= this.head.length) return this.head.subarray(offset, end)
    for (const r of this.recent) {
      if (offset >= r.offset && end <= r.offset + r.buf.length) return r.buf.subarray(offset - r.offset, end - r.offset)
    }
    if (this.reads >= this.maxReads) return null
    this.reads++
    let buf: Buffer
    try {
      buf = await this.readFn(offset, end - offset)
    } catch (err) {
      throw new ReadFailed(err)
    }
    if (!Buffer.isBuffer(buf)) return Buffer.alloc(0)
    if (buf.length > end - offset) buf = buf.subarray(0, end - offset)
    this.bytesRead += buf.length
    if (offset > 0) {
      this.recent.push({ offset, buf })
      if (this.recent.length > 8) this.recent.shift()
    }
    return buf
  }
}
