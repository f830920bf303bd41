// Process entry: `momoshtrem serve [--config FILE]`. Reads the config, builds the app,
// listens, and closes everything on SIGINT/SIGTERM.
import { parseArgs } from 'node:util'
import { loadConfig, ConfigError } from './config/load.ts'
import { createApp } from './app.ts'

const usage = 'usage: momoshtrem serve [--config FILE]'

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
  const app = await createApp(config)
  const url = await app.listen()
  app.logger.info({ url, dav: `${url}/dav/` }, 'momoshtrem is serving')

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      app.logger.info({ signal }, 'shutting down')
      const force = setTimeout(() => { app.logger.error('shutdown took too long; exiting'); process.exit(1) }, 15_000)
      force.unref()
      app.close().then(resolve, (err: unknown) => { app.logger.error({ err }, 'error during shutdown'); resolve() })
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  return 0
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
