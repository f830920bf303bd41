// Process entry: `momoshtrem serve [--config FILE]`, and `search` / `assign` against a running server (src/cli). Reads the config, installs the process
// guards (src/process-guards.ts: what an unhandled rejection or uncaught exception does),
// builds the app, listens, and closes everything on SIGINT/SIGTERM or after a fatal error.
import { parseArgs } from 'node:util'
import { loadConfig, ConfigError } from './config/load.ts'
import { createApp, type App } from './app.ts'
import { StartupError } from './startup.ts'
import { createLogger } from './logger.ts'
import { installProcessGuards, type ProcessGuards } from './process-guards.ts'
import { ApiError, apiOf, serverUrl } from './cli/api.ts'
import { UsageError, assign, search } from './cli/commands.ts'

const usage = `usage: momoshtrem serve [--config FILE]
       momoshtrem search movie|episode|show ID [--season N] [--json]
       momoshtrem assign movie|episode|show ID (--best | --release RID | --magnet URI) [--season N] [--dry-run] [--json]
  ID is a library id, or tmdb:N for a movie or a show; search and assign talk to the running
  server (--server URL, default from the config's server.host and server.port)`

/** How long closing may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 15_000

async function main (argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      server: { type: 'string' },
      season: { type: 'string' },
      best: { type: 'boolean' },
      release: { type: 'string' },
      magnet: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' }
    },
    allowPositionals: true
  })
  if (values.help === true) { console.log(usage); return 0 }
  const command = positionals[0] ?? 'serve'
  if (!['serve', 'search', 'assign'].includes(command) || (command === 'serve' && positionals.length > 1)) { console.error(usage); return 2 }

  let config
  try {
    config = loadConfig(values.config === undefined ? {} : { file: values.config })
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); return 78 }
    throw err
  }
  if (command !== 'serve') return await runClientCommand(command, positionals.slice(1), values, config)
  // one logger for the process, so that the guards log from the start, building the app included
  const logger = createLogger(config.logging.level)
  const guards = installProcessGuards(logger.child({ component: 'process' }))
  const app = await createApp(config, { logger })
  let url: string
  try {
    url = await app.listen()
  } catch (err) {
    // the address is taken or not ours: close what start-up opened, then say why
    await app.close()
    throw new StartupError(`listen on ${config.server.host}:${config.server.port}`, err)
  }
  app.logger.info({ url, dav: `${url}/dav/` }, 'momoshtrem is serving')
  return await untilStopped(app, guards)
}

/** search / assign against the running server: 0 done, 1 the API said no (its message printed), 2 usage. */
async function runClientCommand (command: string, args: string[], values: Record<string, string | boolean | undefined>, config: ReturnType<typeof loadConfig>): Promise<number> {
  const season = values.season === undefined ? undefined : Number(values.season)
  if (season !== undefined && (!Number.isInteger(season) || season < 0)) { console.error('--season: a season number'); return 2 }
  // one health check per release can take releases.health_timeout; auto-assign checks several
  const api = apiOf(typeof values.server === 'string' ? values.server : serverUrl(config), config, 600_000)
  const opts = { season, best: values.best === true, release: values.release as string | undefined, magnet: values.magnet as string | undefined, dryRun: values['dry-run'] === true, json: values.json === true }
  try {
    await (command === 'search' ? search : assign)(api, args, opts, (line) => { console.log(line) })
    return 0
  } catch (err) {
    if (err instanceof UsageError) { console.error(`${err.message}\n${usage}`); return 2 }
    if (err instanceof ApiError) { console.error(err.message); return 1 }
    throw err
  }
}

/** Resolves with the exit code once the app has closed after a signal or a fatal error. */
async function untilStopped (app: App, guards: ProcessGuards): Promise<number> {
  return await new Promise<number>((resolve) => {
    let stopping = false
    const stop = (fields: Record<string, unknown>, code: number): void => {
      if (stopping) {
        // a fatal error while already closing: the close itself may be what failed
        if (code !== 0) process.exit(code)
        return
      }
      stopping = true
      app.logger.info(fields, 'shutting down')
      const force = setTimeout(() => { app.logger.error('shutdown took too long; exiting'); process.exit(code === 0 ? 1 : code) }, SHUTDOWN_LIMIT_MS)
      force.unref()
      app.close().then(() => { resolve(code) }, (err: unknown) => {
        app.logger.error({ err }, 'error during shutdown')
        resolve(code === 0 ? 1 : code)
      })
    }
    process.once('SIGINT', () => { stop({ signal: 'SIGINT' }, 0) })
    process.once('SIGTERM', () => { stop({ signal: 'SIGTERM' }, 0) })
    guards.onFatal((code) => { stop({ reason: 'uncaught exception' }, code) })
  })
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
  // after a failure, do not wait for handles the interrupted code may have left open
  if (code !== 0) process.exit(code)
}, (err: unknown) => {
  // could not start: start-up closed what it had opened; say which step failed and why
  console.error(err instanceof StartupError ? err.message : err)
  process.exit(1)
})
