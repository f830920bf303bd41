// Process entry: `momoshtrem serve [--config FILE]`. Reads the config, installs the process
// guards (src/process-guards.ts: what an unhandled rejection or uncaught exception does),
// builds the app, listens, and closes everything on SIGINT/SIGTERM or after a fatal error.
import { parseArgs } from 'node:util'
import { loadConfig, ConfigError } from './config/load.ts'
import { createApp, type App } from './app.ts'
import { StartupError } from './startup.ts'
import { createLogger } from './logger.ts'
import { installProcessGuards, type ProcessGuards } from './process-guards.ts'

const usage = 'usage: momoshtrem serve [--config FILE]'

/** How long closing may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 15_000

async function main (argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true
  })
  if (values.help === true) { console.log(usage); return 0 }
  const command = positionals[0] ?? 'serve'
  if (command !== 'serve' || positionals.length > 1) { console.error(usage); return 2 }

  let config
  try {
    config = loadConfig(values.config === undefined ? {} : { file: values.config })
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); return 78 }
    throw err
  }
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
