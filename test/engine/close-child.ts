// Run by lifecycle.test.ts in a child process: creates an engine, adds a torrent from the
// seeder given in argv, reads, leaves a reader and a pending read open, closes the engine,
// and then does NOT call process.exit: the process must exit on its own.
import { createTorrentService } from '../../src/torrent/service.ts'
import { createLogger } from '../../src/logger.ts'
import { engineConfig } from '../helpers/engine.ts'

const [dataDir, infoHash, magnet] = process.argv.slice(2) as [string, string, string]
const log = (o: object): void => { process.stdout.write(JSON.stringify(o) + '\n') }
const fail = setTimeout(() => { log({ step: 'error', error: 'child steps took more than 30 s' }); process.exit(3) }, 30_000)

const engine = await createTorrentService(engineConfig(dataDir, { add_timeout: 20, idle_timeout: 300, idle_check_interval: 1 }), createLogger('silent'))
const torrent = await engine.getOrAddTorrent(infoHash, magnet)
const buf = await torrent.read(0, 0, 1000, { deadline: Date.now() + 10_000 })
log({ step: 'read', bytes: buf.length })
const reader = torrent.openReader(0)
await reader.read(0, 100, { deadline: Date.now() + 10_000 })
// a read that cannot finish before close
const pending = torrent.read(0, torrent.info.files[0]!.length - 10, 10, { deadline: Date.now() + 60_000 })
  .then(() => 'resolved', (err: { code?: string }) => `rejected:${err?.code ?? String(err)}`)
await engine.close()
let raceTimer: NodeJS.Timeout | undefined
const outcome = await Promise.race([pending, new Promise((resolve) => { raceTimer = setTimeout(() => resolve('pending'), 2000) })])
clearTimeout(raceTimer)
log({ step: 'closed', pending: outcome })
clearTimeout(fail)
const resources = process.getActiveResourcesInfo()
log({ step: 'resources', resources })
setTimeout(() => { log({ step: 'still-alive', resources: process.getActiveResourcesInfo() }) }, 1500).unref()
