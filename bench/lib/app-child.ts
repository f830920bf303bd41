// The app in a process of its own (forked by app-process.ts from a bundle of this file):
// argv[2] is the data folder (db.sqlite in it). Sends { url } once listening; closes on
// 'close' or when the parent goes away; answers 'memory' with process.memoryUsage() and V8's
// heap spaces and the longest event-loop stall since 'stall-reset', 'cpu' with
// process.cpuUsage(), 'snapshot' with the path of a heap snapshot.
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8'
import { testConfig } from '../../test/helpers/app.ts'
import { createApp } from '../../src/app.ts'

async function main (dir: string): Promise<void> {
  // the tests' configuration: loopback only, no DHT/LSD/PEX, everything under dir, silent
  const config = testConfig(dir, { database: { path: join(dir, 'db.sqlite') } })
  const app = await createApp(config)
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const url = await app.listen()
  const stop = (): void => { void app.close().finally(() => process.exit(0)) }
  process.on('message', (m) => {
    if (m === 'close') stop()
    // where the RSS sits: V8's heap spaces (committed, used) and memory outside the heap
    if (m === 'memory') process.send!({ memory: process.memoryUsage(), spaces: getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size, s.space_used_size]), stallMs: loop.max / 1e6 })
    // the longest event-loop stall from now on (the idle collections' pause shows here)
    if (m === 'stall-reset') { loop.reset(); process.send!({ reset: true }) }
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage() })
    // a heap snapshot (V8 collects first) in the data folder, for a look at what stays alive
    if (m === 'snapshot') process.send!({ snapshot: writeHeapSnapshot(join(dir, 'app.heapsnapshot')) })
  })
  process.on('disconnect', stop)
  process.send!({ url })
}

main(process.argv[2]!).catch((err: unknown) => { console.error(err); process.exit(1) })
