// src/web serves the built UI: index.html at '/' (no-cache, CSP), hashed files at /assets/*
// (immutable), nothing else from the disk; without a build, '/' says how to make one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import { registerWebUi } from '../../src/web/index.ts'
import { tempDir } from '../helpers/app.ts'

async function serve (t: import('node:test').TestContext, dir: string): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify()
  await app.register(async (scope) => { await registerWebUi(scope, { dir }) })
  t.after(async () => { await app.close() })
  return await app
}

test('a built UI: the page, its assets, and nothing else', async (t) => {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>')
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)')
  writeFileSync(join(dir, 'assets', 'index-def456.css'), 'body{}')
  writeFileSync(join(dir, 'secret.txt'), 'not served')
  const app = await serve(t, dir)

  const page = await app.inject('/')
  assert.equal(page.statusCode, 200)
  assert.match(page.headers['content-type'] as string, /^text\/html/)
  assert.equal(page.headers['cache-control'], 'no-cache')
  assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/)
  assert.match(page.body, /index-abc123\.js/)

  const js = await app.inject('/assets/index-abc123.js')
  assert.equal(js.statusCode, 200)
  assert.match(js.headers['content-type'] as string, /^text\/javascript/)
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable')
  assert.equal(js.body, 'console.log(1)')
  assert.match((await app.inject('/assets/index-def456.css')).headers['content-type'] as string, /^text\/css/)
  assert.equal((await app.inject({ method: 'HEAD', url: '/assets/index-abc123.js' })).statusCode, 200)

  for (const url of ['/assets/nope.js', '/assets/..%2Fsecret.txt', '/assets/%2e%2e%2fsecret.txt', '/secret.txt', '/index.html', '/assets/']) {
    const res = await app.inject(url)
    assert.equal(res.statusCode, 404, url)
    assert.ok(!res.body.includes('not served'), url)
  }
})

test('no build: the page says how to make one', async (t) => {
  const app = await serve(t, tempDir(t))
  const res = await app.inject('/')
  assert.equal(res.statusCode, 503)
  assert.match(res.headers['content-type'] as string, /^text\/html/)
  assert.match(res.body, /npm run build:web/)
  assert.equal((await app.inject('/assets/index-abc123.js')).statusCode, 404)
})
