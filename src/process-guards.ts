// Process-level policy for errors nobody handled. Installed by the process entry (main.ts),
// never by createApp (tests and embedders keep Node's defaults).
//
// Why a policy at all: this server runs third-party protocol code (bittorrent-tracker,
// bittorrent-dht, torrent-discovery, bittorrent-protocol and its ut_* extensions) on input
// from anyone a magnet names. Node's default, exiting on the first unhandled rejection,
// let one tracker answer stop every stream (issue 10). Known failure paths are contained
// where they happen (src/torrent/tracker-http.ts); this is the backstop for the ones we
// have not found yet. Never a silent exit: whatever happens is logged with its stack and
// the component it came from.
//
// The policy:
// - Unhandled promise rejection: logged at `error` and the process keeps serving. A
//   rejection ends one asynchronous operation, and the code that failed has already
//   unwound (its catch/finally blocks ran): the operation is over exactly as if someone had
//   caught the error. That nobody did is a missing catch to be fixed (hence the stack), not
//   damaged state. Exiting would hand every remote party that can reach such a path (a
//   tracker named in a magnet) a way to stop the server.
// - Uncaught exception thrown by third-party protocol code with none of our own frames on
//   the stack (e.g. a parser in ut_metadata throwing from a socket callback): logged at
//   `error` and the process keeps serving. The synchronous work it cut short was that
//   library's own handling of one peer, tracker request or DHT message, objects we already
//   treat as untrusted and replaceable.
// - Any other uncaught exception (our code, or unknown origin): logged at `fatal`, then a
//   graceful shutdown (close the listener, torrents, database; forced after 15 s) and exit
//   with code 70 (EX_SOFTWARE). It interrupted a synchronous update at an arbitrary point,
//   so our state may be inconsistent; a supervisor restarts from clean, persisted state.
//   `fatal` is reserved for this so that it always means "the process went down".
import { fileURLToPath } from 'node:url'
import type { Logger } from './logger.ts'

/** Exit code after a fatal uncaught exception (sysexits EX_SOFTWARE). */
export const FATAL_EXIT_CODE = 70

/** npm packages that speak BitTorrent protocols with remote parties (and their parsers/transports). */
const PROTOCOL_PACKAGES = new Set([
  'bittorrent-tracker', 'bittorrent-dht', 'bittorrent-lsd', 'bittorrent-protocol', 'torrent-discovery',
  'k-rpc', 'k-rpc-socket', 'k-bucket', 'ut_metadata', 'ut_pex', 'lt_donthave', 'bencode',
  'compact2string', 'string2compact', 'utp-native', 'bittorrent-peerid', 'cross-fetch-ponyfill',
  'simple-peer', '@thaunknown/simple-peer', 'socks'
])

/** Our own sources: the folder this file is in. */
const SRC_DIR = fileURLToPath(new URL('.', import.meta.url))

export interface ErrorOrigin {
  /** npm package, 'momoshtrem', 'node' (only Node internals on the stack, e.g. fetch) or 'unknown' */
  component: string
  /** thrown by protocol code with none of our frames on the stack */
  thirdParty: boolean
}

type Frame = { kind: 'internal', location: string } | { kind: 'ours' } | { kind: 'package', name: string } | { kind: 'other' }

/** One "    at fn (location:line:col)" line of a V8 stack. */
function classifyFrame (line: string): Frame {
  const raw = /\((.*)\)\s*$/.exec(line)?.[1] ?? line.replace(/^\s*at\s+/, '')
  const location = raw.startsWith('file://') ? filePath(raw) : raw
  // first: installed as a package, our own sources are under a node_modules folder too
  if (location.startsWith(SRC_DIR)) return { kind: 'ours' }
  const pkg = packageOf(location)
  if (pkg !== null) return { kind: 'package', name: pkg }
  if (/^(node:|internal\/|native$|<anonymous>$|index \d+$)/.test(location)) return { kind: 'internal', location }
  return { kind: 'other' }
}

/** The package a file belongs to: what follows its last node_modules folder (with the @scope). */
function packageOf (location: string): string | null {
  const parts = location.split(/[\\/]/)
  const i = parts.lastIndexOf('node_modules')
  const name = i < 0 ? undefined : parts[i + 1]
  if (name === undefined || name === '') return null
  return name.startsWith('@') ? `${name}/${parts[i + 2] ?? ''}` : name
}

function filePath (url: string): string {
  try {
    return fileURLToPath(url)
  } catch {
    return url
  }
}

/** Where an error was thrown, from its stack: the innermost frame outside Node's internals decides. */
export function errorOrigin (err: unknown): ErrorOrigin {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : ''
  const frames = stack.split('\n').filter((l) => /^\s*at\s/.test(l)).map(classifyFrame)
  if (frames.length === 0) return { component: 'unknown', thirdParty: false }
  const ours = frames.some((f) => f.kind === 'ours')
  const first = frames.find((f) => f.kind !== 'internal')
  if (first === undefined) {
    // only Node's own frames: fetch (undici) failing a body is the usual case; the caller is not on the stack
    const fetch = frames.some((f) => f.kind === 'internal' && f.location.includes('deps/undici'))
    return { component: fetch ? 'node (fetch)' : 'node', thirdParty: false }
  }
  if (first.kind === 'package') return { component: first.name, thirdParty: !ours && PROTOCOL_PACKAGES.has(first.name) }
  return { component: first.kind === 'ours' ? 'momoshtrem' : 'unknown', thirdParty: false }
}

export interface ProcessGuards {
  /** errors logged and survived so far: unhandled rejections and third-party exceptions */
  readonly contained: number
  /**
   * How to go down after a fatal exception: close everything, then exit with `code`. Until
   * it is set (the app is not built yet) a fatal exception exits at once.
   */
  onFatal (shutdown: (code: number) => void): void
  /** Removes the listeners (Node's defaults apply again). */
  uninstall (): void
}

/** Installs the policy above on this process. `log` should be a child logger for the process. */
export function installProcessGuards (log: Logger): ProcessGuards {
  let contained = 0
  let shutdown: ((code: number) => void) | null = null
  let goingDown = false
  // the decision reads the stack: deep library and stream stacks must not hide our frames
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 40)

  const onRejection = (reason: unknown): void => {
    contained++
    const { component } = errorOrigin(reason)
    log.error({ ...errorFields(reason), component, contained }, 'unhandled promise rejection; contained, the process keeps serving')
  }

  const onException = (err: unknown): void => {
    const origin = errorOrigin(err)
    if (origin.thirdParty) {
      contained++
      log.error({ ...errorFields(err), component: origin.component, contained }, 'uncaught exception in third-party protocol code; contained, the process keeps serving')
      return
    }
    log.fatal({ ...errorFields(err), component: origin.component }, 'uncaught exception; shutting down (state may be inconsistent)')
    process.exitCode = FATAL_EXIT_CODE
    // a second one while going down, or before the app exists: nothing left worth closing
    if (goingDown || shutdown === null) process.exit(FATAL_EXIT_CODE)
    goingDown = true
    shutdown(FATAL_EXIT_CODE)
  }

  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return {
    get contained () { return contained },
    onFatal (fn) { shutdown = fn },
    uninstall () {
      process.off('unhandledRejection', onRejection)
      process.off('uncaughtException', onException)
    }
  }
}

/** pino serializes `err` (message, stack, cause) when it is an Error; anything else is shown as text. */
function errorFields (value: unknown): Record<string, unknown> {
  return value instanceof Error ? { err: value } : { err: { message: String(value), type: typeof value } }
}
