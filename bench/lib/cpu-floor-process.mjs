// Child processes for bench/cpu-floor.bench.ts, plain JavaScript under plain node like the app's
// bundle. Each sends { port } over IPC once listening and exits with the parent.
//   sender BYTES: a TCP server that sends BYTES (one 64 KiB block over and over) to whoever
//     connects, as fast as the socket takes it (the swarm, minus the protocol). It also sends
//     the SHA-256 of those bytes, for the bench to check what arrived.
//   floor SENDER_PORT PIECE DIR STORE READS: the least a streaming server written in Node must do
//     per byte, and nothing else. On GET / it connects to the sender, gathers what arrives into
//     pieces of PIECE bytes, SHA-1s each, writes it to disk under DIR (STORE: 'files' = a new file
//     per piece, as src/torrent/disk-store.ts keeps them; 'one' = at its offset in one file;
//     'none' = not at all) and sends it as the response body. READS 'reuse' reads the socket into
//     one buffer (net's onread), 'fresh' lets Node allocate one per read. No BitTorrent framing,
//     no scheduling, no WebDAV: its CPU per GiB is what the kernel, the hash and Node's socket and
//     HTTP machinery cost on this machine.
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { createServer } from 'node:http'
import { connect, createServer as createNetServer } from 'node:net'
import { join } from 'node:path'

const [role, ...args] = process.argv.slice(2)
const [senderPort, pieceArg, dir, store, reads] = args
const PIECE = Number(pieceArg)
/** pieces in flight between the socket and the response/disk (a streaming client's read-ahead) */
const SLOTS = 8

function serve (res) {
  const free = Array.from({ length: SLOTS }, () => Buffer.allocUnsafeSlow(PIECE))
  let piece = free.pop()
  let filled = 0
  let index = 0
  let busy = 0
  let ended = false
  let oneFile = null
  const finish = () => { if (ended && busy === 0 && filled === 0) { void oneFile?.close(); res.end() } }
  const deliver = (buf, i) => {
    busy++
    createHash('sha1').update(buf).digest()
    let pending = 2
    const back = () => { if (--pending === 0) { busy--; free.push(buf); if (socket.isPaused() && free.length > 0) socket.resume(); finish() } }
    res.write(buf, back)
    const write = async () => {
      if (store === 'none') return
      if (store === 'one') {
        oneFile ??= await open(join(dir, 'one'), 'w')
        await oneFile.write(buf, 0, buf.length, i * PIECE)
        return
      }
      const fh = await open(join(dir, String(i)), 'w')
      try { await fh.write(buf, 0, buf.length, 0) } finally { await fh.close() }
    }
    write().then(back, (err) => { res.destroy(err) })
  }
  const take = (chunk) => {
    let at = 0
    while (at < chunk.length) {
      // a read that was already under way when reading paused: one more piece
      piece ??= Buffer.allocUnsafeSlow(PIECE)
      const n = Math.min(PIECE - filled, chunk.length - at)
      chunk.copy(piece, filled, at, at + n)
      filled += n
      at += n
      if (filled === PIECE) {
        deliver(piece, index++)
        piece = free.pop()
        filled = 0
        // no piece to fill: stop reading until one comes back (the chunk's rest still fits, see below)
        if (piece === undefined) socket.pause()
      }
    }
  }
  const options = { port: Number(senderPort), host: '127.0.0.1' }
  if (reads === 'reuse') options.onread = { buffer: Buffer.allocUnsafeSlow(64 * 1024), callback: (n, buf) => { take(buf.subarray(0, n)); return piece !== undefined } }
  const socket = connect(options)
  if (reads !== 'reuse') socket.on('data', take)
  socket.on('end', () => {
    ended = true
    if (filled > 0) { const last = piece.subarray(0, filled); filled = 0; deliver(last, index++) }
    finish()
  })
  socket.on('error', (err) => { res.destroy(err) })
  res.on('close', () => { socket.destroy() })
}

/** 64 KiB of bytes that do not repeat within the block */
function senderBlock () {
  const block = Buffer.allocUnsafe(64 * 1024)
  for (let i = 0; i < block.length; i++) block[i] = (Math.imul(i + 1, 2654435761) >>> 13) & 255
  return block
}

/** SHA-256 of the `total` bytes the sender sends, for the bench to check what arrived */
function senderSha256 (block, total) {
  const h = createHash('sha256')
  for (let left = total; left > 0; left -= block.length) h.update(left >= block.length ? block : block.subarray(0, left))
  return h.digest('hex')
}

function sender (total) {
  const block = senderBlock()
  expected = senderSha256(block, total)
  return createNetServer((socket) => {
    socket.on('error', () => {})
    let left = total
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, block.length)
        left -= n
        if (!socket.write(n === block.length ? block : block.subarray(0, n))) { socket.once('drain', pump); return }
      }
      socket.end()
    }
    pump()
  })
}

let expected = null
const server = role === 'sender'
  ? sender(Number(args[0]))
  : createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    serve(res)
  })
server.listen(0, '127.0.0.1', () => { process.send({ port: server.address().port, sha256: expected }) })
process.on('disconnect', () => { process.exit(0) })
