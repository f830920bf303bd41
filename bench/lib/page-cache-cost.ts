// What filling the page cache costs on this machine, for the resources bench: every server there
// writes each piece it downloads into a file, and on this VM the kernel's copy into a page the
// host has not backed yet (a page never used, or one the balloon driver reported free a few
// seconds after it was freed) costs ~10x the copy into a page freed a moment ago: dd of 1 GiB
// into a new file took 1.75-2.3 s of kernel CPU, 0.16 s right after deleting another 1 GiB file.
// That excess lands in the servers' CPU figures, the same for each one that writes a byte per
// byte served, so the bench prints it beside them. Process memory is the same story: the first
// touch of memory the process never used cost 3-4 CPU s per GiB here (2026-12-07), touching it
// again 0.05, so every MiB of pieces a fresh server allocates shows in its figures too (the
// `anon` figure; GLIBC_TUNABLES=glibc.malloc.hugetlb=1 in the environment halves it).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

/** Writes MiB-sized chunks into `path`, deletes it, writes it again: kernel CPU s/GiB of each pass. */
const CHILD = `
const fs = require('node:fs')
const [path, mib] = process.argv.slice(1)
const chunk = Buffer.alloc(1 << 20, 7)
function pass () {
  const before = process.cpuUsage().system
  const fd = fs.openSync(path, 'w')
  for (let i = 0; i < Number(mib); i++) fs.writeSync(fd, chunk)
  fs.closeSync(fd)
  return (process.cpuUsage().system - before) / 1e6 * 1024 / Number(mib)
}
const fresh = pass()
fs.unlinkSync(path)
const reused = pass()
fs.unlinkSync(path)
// first touch of 256 MiB of process memory, as a server's new piece buffers
const before = process.cpuUsage()
const mem = Buffer.allocUnsafeSlow(256 << 20)
for (let o = 0; o < mem.length; o += 4096) mem[o] = 1
const used = process.cpuUsage(before)
const anon = (used.user + used.system) / 1e6 * 4
process.stdout.write(JSON.stringify({ fresh, reused, anon }))
`

export interface PageCacheCost {
  /** kernel CPU s per GiB written into pages the page cache had to take anew */
  fresh: number
  /** the same into pages freed just before (the copy alone) */
  reused: number
  /** CPU s per GiB of process memory touched for the first time */
  anon: number
}

/** Measures PageCacheCost in a child process writing `mib` MiB under `dir`. */
export function pageCacheCost (dir: string, mib = 512): PageCacheCost {
  const run = spawnSync(process.execPath, ['-e', CHILD, join(dir, 'page-cache-cost.bin'), String(mib)], { encoding: 'utf8', timeout: 120_000 })
  if (run.status !== 0) throw new Error(`page-cache cost child failed (${run.status ?? run.signal ?? run.error?.message}): ${run.stderr}`)
  return JSON.parse(run.stdout) as PageCacheCost
}
