// A fixed-size bitfield in BitTorrent wire order (bit 0 = high bit of byte 0).

export class Bitfield {
  readonly length: number
  readonly buffer: Uint8Array
  private ones = 0

  constructor (length: number, buffer?: Uint8Array) {
    this.length = length
    this.buffer = new Uint8Array(Math.ceil(length / 8))
    if (buffer !== undefined) {
      this.buffer.set(buffer.subarray(0, this.buffer.length))
      // spare bits past `length` must be zero
      const spare = this.buffer.length * 8 - length
      if (spare > 0) this.buffer[this.buffer.length - 1]! &= (0xff << spare) & 0xff
      for (const byte of this.buffer) this.ones += popcount(byte)
    }
  }

  get (index: number): boolean {
    if (index < 0 || index >= this.length) return false
    return (this.buffer[index >> 3]! & (0x80 >> (index & 7))) !== 0
  }

  /** Sets or clears one bit; returns true when the bit changed. */
  set (index: number, value = true): boolean {
    if (index < 0 || index >= this.length) throw new RangeError(`bit ${index} outside 0..${this.length - 1}`)
    const mask = 0x80 >> (index & 7)
    const byte = this.buffer[index >> 3]!
    const was = (byte & mask) !== 0
    if (was === value) return false
    this.buffer[index >> 3] = value ? byte | mask : byte & ~mask
    this.ones += value ? 1 : -1
    return true
  }

  /** Number of set bits. */
  count (): number { return this.ones }

  full (): boolean { return this.ones === this.length }
}

function popcount (byte: number): number {
  let n = 0
  for (let b = byte; b !== 0; b &= b - 1) n++
  return n
}
