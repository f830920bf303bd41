// The real server process (`node --import tsx src/main.ts serve --config FILE`) against
// failures nobody handled (issue 10): a tracker named by a magnet that truncates its answer
// must not take the process down, and the process guards (src/process-guards.ts) log what
// they catch and go down loudly only when they must. Loopback only, DHT/LSD/PEX off, a temp
// data folder; every child process is stopped in t.after.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'
import { testConfig } from '../helpers/app.ts'
import { magnetLink } from '../helpers/seeder.ts'
import { startHostileHttpTracker, httpAnswers } from '../helpers/hostile-tracker.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'
import { apiClient } from '../helpers/api-client.ts'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

interface LogLine { level?: number, msg?: string, err?: { message?: string, stack?: string }, [key: string]: unknown }

interface ServerProcess {
  url: string
  child: ChildProcess
  /** every stdout line, parsed when it is JSON (pino) */
  log: LogLine[]
  stderr: string[]
  exited: Promise<{ code: number | null, signal: string | null }>
  alive (): boolean
}

/** A fault injected from outside the production code: a module run before main.ts that acts on SIGUSR2. */
function onSigusr2 (code: string): string {
  return 'data:text/javascript,' + encodeURIComponent(`process.on('SIGUSR2', () => { ${code} })`)
}

/** Starts the server on a temp folder with port 0 and waits for its "momoshtrem is serving" line. */
async function startServer (t: TestContext, opts: { imports?: string[] } = {}): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-process-'))
  const configFile = join(dir, 'config.yaml')
  // the tests' own configuration (loopback, no DHT/LSD/PEX, everything under dir), as a file;
  // debug: tracker warnings are logged at debug
  writeFileSync(configFile, stringify(testConfig(dir, {
    torrent: { utp: false, trackers: [], add_timeout: 3 },
    logging: { level: 'debug' }
  })))
  // nothing of the test runner's or the developer's environment configures the child
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MOMOSHTREM_') && !k.startsWith('NODE_TEST')) env[k] = v
  const imports = (opts.imports ?? []).flatMap((m) => ['--import', m])
  const child = spawn(process.execPath, ['--import', 'tsx', ...imports, 'src/main.ts', 'serve', '--config', configFile], {
    cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<{ code: number | null, signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => { resolve({ code, signal }) })
  })
  // one hook, in this order: the folder goes only once the process that writes to it has exited
  t.after(async () => {
    try { await stopServer(child, exited) } finally { rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 }) }
  })
  const log: LogLine[] = []
  const stderr: string[] = []
  collectLines(child.stdout!, (line) => { log.push(parseLine(line)) })
  collectLines(child.stderr!, (line) => { stderr.push(line) })
  const serving = await withTimeout(Promise.race([
    waitFor(() => log.find((l) => l.msg === 'momoshtrem is serving'), 60_000, 'the "momoshtrem is serving" log line'),
    exited.then(({ code }) => { throw new Error(`server exited (code ${code}) before serving:\n${stderr.join('\n')}`) })
  ]), 65_000, 'server start')
  return { url: String(serving.url), child, log, stderr, exited, alive: () => child.exitCode === null && child.signalCode === null }
}

function collectLines (stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) if (line !== '') onLine(line)
  })
}

function parseLine (line: string): LogLine {
  try { return JSON.parse(line) as LogLine } catch { return { msg: line } }
}

/** SIGTERM, then SIGKILL if it has not exited within 20 s. */
async function stopServer (child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  try {
    await withTimeout(exited, 20_000, 'server exit after SIGTERM')
  } catch {
    child.kill('SIGKILL')
    await withTimeout(exited, 5000, 'server exit after SIGKILL')
  }
}

function describeLog (log: LogLine[]): string {
  return log.slice(-30).map((l) => JSON.stringify(l)).join('\n')
}

const FATAL = 60
const ERROR = 50

test('a magnet naming a tracker that truncates its answer: the process keeps serving and logs the failed announce', { timeout: 120_000 }, async (t) => {
  const tracker = await startHostileHttpTracker(t, httpAnswers.truncated)
  const server = await startServer(t)
  const api = apiClient(server.url)
  const movie = await api.post('/api/movies', { title: 'Hostile Tracker', year: 2001 })
  assert.equal(movie.status, 201, JSON.stringify(movie.body))

  // nobody seeds this hash: the assign waits add_timeout (3 s) while the tracker is announced to
  const magnet = magnetLink(randomBytes(20).toString('hex'), 'hostile', [tracker.url])
  const assign = await api.post(`/api/movies/${movie.body.id as number}/assign`, { magnet_uri: magnet })
  assert.equal(assign.status, 504, JSON.stringify(assign.body))
  await waitFor(() => tracker.requests.length > 0, 15_000, 'the announce to reach the truncating tracker')
  await waitFor(() => tracker.closed > 0, 15_000, 'the truncated answer to be sent and its socket closed')

  // the failed announce is logged with the tracker and the reason
  const port = new URL(tracker.url).port
  const warning = await waitFor(() => server.log.find((l) => l.msg === 'discovery warning' && String(l.cause ?? '').includes(`127.0.0.1:${port}`)), 15_000,
    'a "discovery warning" naming the tracker').catch((err: Error) => { throw new Error(`${err.message}\n${describeLog(server.log)}`) })
  assert.match(String(warning.cause), /other side closed|terminated|closed/i, JSON.stringify(warning))

  assert.ok(server.alive(), `the server exited:\n${server.stderr.join('\n')}\n${describeLog(server.log)}`)
  const status = await api.get('/api/status')
  assert.equal(status.status, 200, JSON.stringify(status.body))
  assert.deepEqual(server.log.filter((l) => (l.level ?? 0) >= FATAL), [], 'fatal log lines')
})

test('an unhandled rejection is logged at error with its stack and the process keeps serving', { timeout: 120_000 }, async (t) => {
  const server = await startServer(t, { imports: [onSigusr2("Promise.reject(new Error('injected rejection'))")] })
  server.child.kill('SIGUSR2')
  const line = await waitFor(() => server.log.find((l) => l.err?.message === 'injected rejection'), 15_000, 'the rejection in the log')
  assert.equal(line.level, ERROR, JSON.stringify(line))
  assert.match(line.msg ?? '', /unhandled promise rejection/)
  assert.match(line.err?.stack ?? '', /injected rejection\n\s+at /, 'the stack is logged')
  assert.equal(line.component, 'unknown', 'the frames are neither ours nor a package')
  assert.equal(line.contained, 1)

  const status = await apiClient(server.url).get('/api/status')
  assert.equal(status.status, 200)
  assert.ok(server.alive(), 'the server exited after an unhandled rejection')
})

test('an uncaught exception outside protocol code: logged at fatal, graceful shutdown, exit code 70', { timeout: 120_000 }, async (t) => {
  const server = await startServer(t, { imports: [onSigusr2("throw new Error('injected exception')")] })
  server.child.kill('SIGUSR2')
  const { code, signal } = await withTimeout(server.exited, 30_000, 'the server to exit after the exception')
  assert.equal(signal, null)
  assert.equal(code, 70, `exit code; log:\n${describeLog(server.log)}\n${server.stderr.join('\n')}`)
  const fatal = server.log.find((l) => l.level === FATAL)
  assert.ok(fatal !== undefined, `no fatal line:\n${describeLog(server.log)}`)
  assert.equal(fatal.err?.message, 'injected exception')
  assert.match(fatal.msg ?? '', /uncaught exception; shutting down/)
  const shutdown = server.log.find((l) => l.msg === 'shutting down')
  assert.equal(shutdown?.reason, 'uncaught exception', 'a graceful shutdown, not an abrupt exit')
})
