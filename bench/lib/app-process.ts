// The real app in a process of its own, for benches that read its RSS (/proc/<pid>/status):
// measured in the bench's own process, the RSS would count the bench's HTTP client, its
// generator and its garbage too. The app runs the way `npm start` runs it: one esbuild bundle
// on plain node (the tsx loader in the process alone adds some 80 MiB), built from the current
// sources with the options of dist/server (scripts/server-bundle.mjs), into .bench/ (inside the package: the
// app finds its migrations and web UI from its own location).
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { serverBundleOptions } from '../../scripts/server-bundle.mjs'

export interface AppProcess {
  url: string
  pid: number
  /** resident set size now, from /proc (bytes) */
  rss (): number
  /** user + system CPU time the process has used (ms, 10 ms ticks) */
  cpuMs (): number
  /** user + system CPU time the process has used (ms, microsecond precision, over IPC) */
  cpu (): Promise<number>
  /** the app's process.memoryUsage(), V8 heap spaces ([name, committed, used] bytes), longest event-loop stall since stallReset (ms) */
  memory (): Promise<{ memory: NodeJS.MemoryUsage, spaces: Array<[string, number, number]>, stallMs: number }>
  /** starts the app's longest-stall measure afresh */
  stallReset (): Promise<void>
  /** writes a heap snapshot of the app (after a full GC) into its data folder; its path */
  snapshot (): Promise<string>
  close (): Promise<void>
}

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Bundles bench/lib/app-child.ts into .bench/<name>.cjs as the server is bundled; returns its path. */
export async function bundleApp (name: string): Promise<string> {
  const outfile = join(root, '.bench', `${name}.cjs`)
  await build(serverBundleOptions(root, 'bench/lib/app-child.ts', outfile))
  return outfile
}

/**
 * Starts the bundled app on `dir`; rejects when it is not listening within `timeoutMs`.
 * `execArgv`: node flags for the app (none by default: the child must not inherit tsx).
 */
export async function startAppProcess (bundle: string, dir: string, timeoutMs = 120_000, execArgv: string[] = []): Promise<AppProcess> {
  const child = fork(bundle, [dir], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`app process not listening after ${timeoutMs} ms`)) }, timeoutMs)
    child.once('message', (m: { url: string }) => { clearTimeout(timer); resolve(m.url) })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`app process exited (${code}) before listening`)) })
  })
  const pid = child.pid!
  const ask = async <T>(question: string, isAnswer: (m: unknown) => boolean, timeoutMs = 10_000): Promise<T> => await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.off('message', onMessage); reject(new Error(`app process did not answer ${question} in ${timeoutMs} ms`)) }, timeoutMs)
    const onMessage = (m: unknown): void => {
      if (!isAnswer(m)) return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve(m as T)
    }
    child.on('message', onMessage)
    child.send(question)
  })
  const proc = (file: string): string => readFileSync(`/proc/${pid}/${file}`, 'utf8')
  return {
    url,
    pid,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(proc('status'))?.[1] ?? NaN) * 1024,
    cpuMs: () => {
      // fields 14 and 15 (utime, stime) after the parenthesised command name, in clock ticks
      const stat = proc('stat')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return (Number(fields[11]) + Number(fields[12])) * 10
    },
    cpu: async () => {
      const { cpu } = await ask<{ cpu: NodeJS.CpuUsage }>('cpu', (m) => (m as { cpu?: unknown }).cpu !== undefined)
      return (cpu.user + cpu.system) / 1000
    },
    memory: async () => {
      const m = await ask<{ memory: NodeJS.MemoryUsage, spaces?: Array<[string, number, number]>, stallMs?: number }>('memory', (x) => (x as { memory?: unknown }).memory !== undefined)
      return { memory: m.memory, spaces: m.spaces ?? [], stallMs: m.stallMs ?? NaN }
    },
    stallReset: async () => { await ask('stall-reset', (m) => (m as { reset?: unknown }).reset !== undefined) },
    snapshot: async () => (await ask<{ snapshot: string }>('snapshot', (m) => (m as { snapshot?: unknown }).snapshot !== undefined, 120_000)).snapshot,
    close: async () => {
      child.send('close')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 15_000)
      await exited
      clearTimeout(timer)
    }
  }
}
