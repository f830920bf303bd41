// The app in a process of its own (forked by app-process.ts from a bundle of this file):
// argv[2] is the data folder (db.sqlite in it). Sends { url } once listening; closes on
// 'close' or when the parent goes away; answers 'memory' with process.memoryUsage() and V8's
// heap spaces, 'cpu' with process.cpuUsage().
import { join } from 'node:path'
import { getHeapSpaceStatistics } from 'node:v8'
import { loadConfig } from '../../src/config/load.ts'
import { createApp } from '../../src/app.ts'

async function main (dir: string): Promise<void> {
  const config = loadConfig({
    env: {},
    overrides: {
      server: { host: '127.0.0.1', port: 0 },
      database: { path: join(dir, 'db.sqlite') },
      torrent: { metadata_folder: join(dir, 'torrents'), cache_folder: join(dir, 'cache'), dht: false, lsd: false, pex: false, listen_port: 0 },
      subtitles: { folder: join(dir, 'subtitles') },
      logging: { level: 'silent' }
    }
  })
  const app = await createApp(config)
  const url = await app.listen()
  const stop = (): void => { void app.close().finally(() => process.exit(0)) }
  process.on('message', (m) => {
    if (m === 'close') stop()
    // where the RSS sits: V8's heap spaces (committed, used) and memory outside the heap
    if (m === 'memory') process.send!({ memory: process.memoryUsage(), spaces: getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size, s.space_used_size]) })
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage() })
  })
  process.on('disconnect', stop)
  process.send!({ url })
}

main(process.argv[2]!).catch((err: unknown) => { console.error(err); process.exit(1) })
