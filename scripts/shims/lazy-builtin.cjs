// A Node built-in module loaded on its first use rather than when required. Fastify requires
// node:http2 and node:https as it loads, for servers this app never makes (plain HTTP only),
// and ws (WebSocket trackers) requires tls and zlib: loading the four was 30-40 ms, a tenth of
// a start, for modules most runs never touch. Every property read loads
// the real module, so code that does use it sees it whole. The build points those requires
// here (scripts/build-server.mjs); __MOMOSHTREM_BUILTIN__ is replaced with the module's name.
'use strict'
let real
const load = () => (real ??= require(__MOMOSHTREM_BUILTIN__))
module.exports = new Proxy({}, {
  get: (_target, key) => load()[key],
  has: (_target, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_target, key) => {
    const d = Reflect.getOwnPropertyDescriptor(load(), key)
    return d === undefined ? undefined : { ...d, configurable: true }
  }
})
