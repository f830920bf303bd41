// Child process for bench/resources.bench.ts: a reference streaming server, webtorrent 3
// (client.createServer) or torrent-stream 1.2 (peerflix's engine behind a Range server like
// peerflix's own), as a leecher. Plain JavaScript run by plain node, like the app's bundle, so
// no TypeScript loader sits in the RSS being measured. argv[2]: 'webtorrent' | 'torrent-stream'.
// IPC, {id, cmd, ...} -> {id, ok, result | error}:
//   add {magnet, peers: ['127.0.0.1:PORT'], path} -> {files: [{path, length}]}   (metadata known)
//   serve -> {port, urls: {path: url}}
//   stop
import { createServer } from 'node:http'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const impl = process.argv[2]
let client = null
let torrent = null
let engine = null
let server = null

const send = (msg) => { process.send?.(msg) }
const filePath = (f) => String(f.path).split(/[\\/]/).join('/')

async function addWebtorrent (magnet, path) {
  const WebTorrent = (await import('webtorrent')).default
  client = new WebTorrent({ dht: false, lsd: false, utp: false, utPex: false, natUpnp: false, natPmp: false, webSeeds: false, tracker: false, torrentPort: 0 })
  client.on('error', () => {})
  torrent = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no metadata within 60 s')), 60_000)
    // deselect: only what readers ask for is downloaded (as momoshtrem and torrent-stream do)
    client.add(magnet, { path, deselect: true }, (t) => { clearTimeout(timer); resolve(t) })
  })
  return torrent.files.map((f) => ({ path: filePath(f), length: f.length }))
}

async function addTorrentStream (magnet, peers, path) {
  // the project pins ip-set 2 (a class) for webtorrent; torrent-stream calls ip-set 1's factory
  const ipSetPath = createRequire(require.resolve('torrent-stream')).resolve('ip-set')
  const IPSet = require(ipSetPath)
  if (/^class\b/.test(Function.prototype.toString.call(IPSet))) require.cache[ipSetPath].exports = (...args) => new IPSet(...args)
  const torrentStream = require('torrent-stream')
  // peerflix's defaults (connections 100, uploads 10), no DHT or trackers: peers from the hints
  engine = torrentStream(magnet, { path, tmp: path, dht: false, tracker: false, connections: 100, uploads: 10 })
  for (const p of peers) engine.connect(p)
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no metadata within 60 s')), 60_000)
    engine.on('ready', () => { clearTimeout(timer); resolve() })
  })
  return engine.files.map((f) => ({ path: filePath(f), length: f.length }))
}

/** Range server as peerflix's: one file stream per request, piped with back-pressure. */
function torrentStreamServer () {
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1))
    const file = engine.files.find((f) => filePath(f) === path)
    if (file === undefined) { res.writeHead(404).end(); return }
    const m = /bytes=(\d*)-(\d*)/.exec(req.headers.range ?? '')
    let start = 0
    let end = file.length - 1
    if (m !== null) {
      if (m[1] === '') start = Math.max(0, file.length - Number(m[2]))
      else { start = Number(m[1]); if (m[2] !== '') end = Math.min(file.length - 1, Number(m[2])) }
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${file.length}`, 'Content-Length': end - start + 1, 'Accept-Ranges': 'bytes' })
    } else res.writeHead(200, { 'Content-Length': file.length, 'Accept-Ranges': 'bytes' })
    if (req.method === 'HEAD') { res.end(); return }
    const stream = file.createReadStream({ start, end })
    stream.pipe(res)
    res.on('close', () => stream.destroy())
  })
}

async function handle (req) {
  switch (req.cmd) {
    case 'add':
      return { files: impl === 'webtorrent' ? await addWebtorrent(req.magnet, req.path) : await addTorrentStream(req.magnet, req.peers, req.path) }
    case 'serve': {
      server = impl === 'webtorrent' ? client.createServer({}) : torrentStreamServer()
      const http = impl === 'webtorrent' ? server.server : server
      await new Promise((resolve, reject) => { http.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()) })
      const port = server.address().port
      const files = impl === 'webtorrent' ? torrent.files : engine.files
      const urls = {}
      for (const f of files) {
        const p = filePath(f).split('/').map(encodeURIComponent).join('/')
        urls[filePath(f)] = impl === 'webtorrent' ? `http://127.0.0.1:${port}/webtorrent/${torrent.infoHash}/${p}` : `http://127.0.0.1:${port}/${p}`
      }
      return { port, urls }
    }
    case 'stop':
      await destroy()
      setImmediate(() => process.exit(0))
      return {}
    default:
      throw new Error(`unknown command ${req.cmd}`)
  }
}

async function destroy () {
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 5000)
    const done = () => { clearTimeout(timer); resolve() }
    if (client !== null) client.destroy(done)
    else if (engine !== null) engine.destroy(done)
    else done()
  })
}

process.on('message', (msg) => {
  handle(msg).then(
    (result) => send({ id: msg.id, ok: true, result }),
    (err) => send({ id: msg.id, ok: false, error: String(err?.stack ?? err) })
  )
})
process.on('disconnect', () => { void destroy().finally(() => process.exit(0)) })
send({ event: 'ready' })
