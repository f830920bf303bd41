// Summarises a V8 .cpuprofile (node --cpu-prof; the resources bench's BENCH_CPU_PROF) by self
// time: the functions where the CPU went, with their share and where they live.
//   node --import tsx bench/lib/cpuprofile-top.ts FILE.cpuprofile [N]
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile { nodes: Node[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }

/** Self time (ms) per function (name + file + line), largest first. */
export function selfTimes (p: Profile): Array<{ name: string, where: string, ms: number }> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const ms = new Map<number, number>()
  // each sample's time is the delta that follows it
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!
    ms.set(id, (ms.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000)
  }
  const out = new Map<string, { name: string, where: string, ms: number }>()
  for (const [id, t] of ms) {
    const f = byId.get(id)!.callFrame
    const where = `${f.url.replace(/^.*\/(?=[^/]+\/[^/]+$)/, '')}:${f.lineNumber + 1}`
    const key = `${f.functionName}@${where}`
    const e = out.get(key) ?? { name: f.functionName === '' ? '(anonymous)' : f.functionName, where, ms: 0 }
    e.ms += t
    out.set(key, e)
  }
  return [...out.values()].sort((a, b) => b.ms - a.ms)
}

function main (): void {
  const [file, n] = process.argv.slice(2)
  if (file === undefined) throw new Error('usage: cpuprofile-top.ts FILE.cpuprofile [N]')
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const rows = selfTimes(p)
  const total = rows.reduce((s, r) => s + r.ms, 0)
  process.stdout.write(`${file}: ${(total / 1000).toFixed(2)} s sampled\n`)
  for (const r of rows.slice(0, Number(n ?? 30))) {
    process.stdout.write(`${r.ms.toFixed(0).padStart(7)} ms ${(100 * r.ms / total).toFixed(1).padStart(5)} %  ${r.name}  ${r.where}\n`)
  }
}

main()
