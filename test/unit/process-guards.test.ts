// errorOrigin (src/process-guards.ts): which errors count as thrown by third-party protocol
// code (contained) and which may have cut our own code short (fatal). Stacks are written as
// V8 prints them, with this checkout's real paths; the process-level behaviour itself is
// covered by test/e2e/process-survival.test.ts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { errorOrigin } from '../../src/process-guards.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const mod = (path: string): string => `${root}node_modules/${path}`
const src = (path: string): string => pathToFileURL(`${root}src/${path}`).href

function errorWithStack (...frames: string[]): Error {
  const err = new Error('boom')
  err.stack = ['Error: boom', ...frames.map((f) => `    at ${f}`)].join('\n')
  return err
}

test('a throw inside a protocol package, from its own socket callback: third-party, contained', () => {
  const err = errorWithStack(
    'Socket.send (node:dgram:650:11)',
    `RPC.query (${mod('k-rpc-socket/index.js')}:160:15)`,
    `RPC.onmessage (${mod('k-rpc-socket/index.js')}:80:10)`,
    'Socket.emit (node:events:517:28)',
    'UDP.onMessage [as onmessage] (node:dgram:941:8)'
  )
  assert.deepEqual(errorOrigin(err), { component: 'k-rpc-socket', thirdParty: true })
})

test('nested node_modules and scoped packages: the innermost package counts', () => {
  const err = errorWithStack(`Peer._onData (${mod('webtorrent/node_modules/@thaunknown/simple-peer/lite.js')}:12:3)`)
  assert.deepEqual(errorOrigin(err), { component: '@thaunknown/simple-peer', thirdParty: true })
})

test('a protocol package throwing while our code is on the stack: not contained', () => {
  const err = errorWithStack(
    `utMetadata.setMetadata (file://${mod('ut_metadata/index.js')}:90:13)`,
    `Peer.onExtendedHandshake (${src('torrent/peer.ts')}:210:30)`,
    `Wire.emit (node:events:517:28)`,
    `Wire._onExtended (file://${mod('bittorrent-protocol/index.js')}:1040:12)`
  )
  assert.deepEqual(errorOrigin(err), { component: 'ut_metadata', thirdParty: false })
})

test('our own code throwing: momoshtrem, not contained', () => {
  const err = errorWithStack(`Swarm.addAddr (${src('torrent/swarm.ts')}:73:11)`, 'listOnTimeout (node:internal/timers:573:17)')
  assert.deepEqual(errorOrigin(err), { component: 'momoshtrem', thirdParty: false })
})

test('only Node internals (fetch failing a body): node (fetch), not contained', () => {
  const err = errorWithStack('Fetch.onAborted (node:internal/deps/undici/undici:11350:53)', 'Fetch.emit (node:events:524:28)', 'TCP.<anonymous> (node:net:343:12)')
  assert.deepEqual(errorOrigin(err), { component: 'node (fetch)', thirdParty: false })
})

test('a package that does not speak a protocol, unknown frames, no stack: not contained', () => {
  assert.deepEqual(errorOrigin(errorWithStack(`Object.route (${mod('fastify/lib/route.js')}:300:9)`)), { component: 'fastify', thirdParty: false })
  assert.deepEqual(errorOrigin(errorWithStack('process.<anonymous> (data:text/javascript,throw 1:1:7)')), { component: 'unknown', thirdParty: false })
  assert.deepEqual(errorOrigin('a string'), { component: 'unknown', thirdParty: false })
  const bare = new Error('no stack')
  bare.stack = undefined
  assert.deepEqual(errorOrigin(bare), { component: 'unknown', thirdParty: false })
})
