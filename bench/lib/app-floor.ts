// The floor under a PROPFIND's wall time: a bare node:http server, in a process of its own like
// the app, answering every request with the very bytes the app answered `argv[2]` with (fetched
// once at start, Depth 1). What it takes to send and receive those bytes on this machine with
// the bench's client is what no server can go below. Sends { url } once listening; exits when
// the parent goes away.
import { createServer } from 'node:http'

async function main (source: string): Promise<void> {
  const res = await fetch(source, { method: 'PROPFIND', headers: { depth: '1' }, signal: AbortSignal.timeout(120_000) })
  const body = Buffer.from(await res.arrayBuffer())
  const type = res.headers.get('content-type') ?? 'application/xml'
  const server = createServer((req, reply) => {
    req.resume()
    reply.writeHead(res.status, { 'content-type': type, 'content-length': body.length })
    reply.end(body)
  })
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    process.send!({ url: `http://127.0.0.1:${address.port}` })
  })
  process.on('disconnect', () => { process.exit(0) })
}

main(process.argv[2]!).catch((err: unknown) => { console.error(err); process.exit(1) })
