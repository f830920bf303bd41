// The OpenAPI document (/api/openapi.json) against the real app: every /api route the router
// has is in it and nothing else, it is valid OpenAPI 3.1, each operation says what it answers
// (a success with its body, every error in the one error format), it sits behind Basic auth,
// and the reference page (/api/docs/) loads with all its assets from the server itself.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import SwaggerParser from '@apidevtools/swagger-parser'
import { startApp } from '../helpers/app.ts'
import { routesUnder } from '../helpers/routes.ts'

const AUTH = { username: 'docs', password: 'reader secret' }
const authHeader = { authorization: 'Basic ' + Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64') }

/** The reference page and the document itself are not API operations. */
const OWN_ROUTES = /^\/api\/(?:docs(?:[/*]|$)|openapi\.json$)/

interface Operation {
  parameters?: Array<{ in: string, name: string, required?: boolean }>
  requestBody?: { content: Record<string, unknown> }
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>
  tags?: string[]
}
type Doc = { openapi: string, servers: Array<{ url: string }>, paths: Record<string, Record<string, Operation>>, security?: unknown, components?: { securitySchemes?: Record<string, unknown>, schemas?: Record<string, unknown> } }

/** '/api/movies/:id/assign' -> '/movies/{id}/assign' (the document's paths are below its server, /api) */
const docPath = (url: string): string => url.replace(/^\/api/, '').replace(/:([A-Za-z0-9_]+)/g, '{$1}')

async function fetchDoc (url: string): Promise<Doc> {
  const res = await fetch(`${url}/api/openapi.json`, { headers: authHeader })
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
  return await res.json() as Doc
}

test('every /api route and method is in the document, and only those; the document is valid OpenAPI 3.1', async (t) => {
  const { app, url } = await startApp(t, { auth: AUTH })
  const doc = await fetchDoc(url)
  const routes = routesUnder(app.server, '/api').filter((r) => !OWN_ROUTES.test(r.url))
  // the router listing is read right: some routes of every kind are in it
  for (const known of ['GET /api/status', 'DELETE /api/movies/:id', 'POST /api/episodes/:id/assign', 'GET /api/export.m3u']) {
    assert.ok(routes.some((r) => `${r.method} ${r.url}` === known), `${known} in the router listing`)
  }

  const missing = routes.filter((r) => doc.paths[docPath(r.url)]?.[r.method.toLowerCase()] === undefined)
  assert.deepEqual(missing, [], 'routes missing from the document')
  const real = new Set(routes.map((r) => `${r.method.toLowerCase()} ${docPath(r.url)}`))
  const stale = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).filter((op) => !real.has(op))
  assert.deepEqual(stale, [], 'operations in the document without a route')

  assert.equal(doc.openapi, '3.1.0')
  assert.deepEqual(doc.servers, [{ url: '/api' }])
  // the validator dereferences in place: give it a copy
  await SwaggerParser.validate(structuredClone(doc) as never)
})

test('each operation declares its parameters, a success with its body, and errors in the error format', async (t) => {
  const { url } = await startApp(t, { auth: AUTH })
  const doc = await fetchDoc(url)
  assert.deepEqual(doc.security, [{ basic: [] }])
  assert.deepEqual(doc.components?.securitySchemes, { basic: { type: 'http', scheme: 'basic' } })
  assert.ok(doc.components?.schemas?.Error !== undefined)

  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const name = `${method.toUpperCase()} ${path}`
      for (const param of path.match(/\{[^}]+\}/g) ?? []) {
        assert.ok(op.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === param && p.required === true), `${name} declares ${param}`)
      }
      assert.equal(op.tags?.length, 1, `${name} has a tag`)
      const codes = Object.keys(op.responses)
      const successes = codes.filter((c) => /^2/.test(c))
      assert.ok(successes.length > 0, `${name} declares a success`)
      for (const code of successes) {
        const content = op.responses[code]!.content
        // a 204 has no body; every other success says what its body is
        if (code === '204') assert.equal(content, undefined, `${name} 204 has no body`)
        else assert.ok(content !== undefined && Object.values(content).every((m) => m.schema !== undefined), `${name} ${code} has a body schema`)
      }
      for (const code of codes.filter((c) => Number(c) >= 400)) {
        assert.equal(op.responses[code]!.content?.['application/json']?.schema?.$ref, '#/components/schemas/Error', `${name} ${code} is the error format`)
      }
      // framework answers every operation can give
      for (const code of ['401', '500']) assert.ok(codes.includes(code), `${name} declares ${code}`)
      if (op.parameters !== undefined || op.requestBody !== undefined) assert.ok(codes.includes('400'), `${name} declares 400`)
      // Fastify parses the body of these methods even for a route that takes none
      if (['post', 'put', 'patch', 'delete'].includes(method)) {
        for (const code of ['400', '413', '415']) assert.ok(codes.includes(code), `${name} declares ${code}`)
      }
      if (op.requestBody !== undefined) assert.deepEqual(Object.keys(op.requestBody.content), ['application/json'], `${name} takes JSON`)
    }
  }
  // a text answer is declared as what it is
  assert.deepEqual(Object.keys(doc.paths['/export.m3u']?.get?.responses['200']?.content ?? {}), ['audio/x-mpegurl'])
})

test('without auth configured the document declares no security and no 401', async (t) => {
  const { url } = await startApp(t)
  const res = await fetch(`${url}/api/openapi.json`)
  assert.equal(res.status, 200)
  const doc = await res.json() as Doc
  assert.equal(doc.security, undefined)
  assert.equal(doc.components?.securitySchemes, undefined)
  const with401 = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).filter(([, op]) => op.responses['401'] !== undefined).map(([m]) => `${m} ${p}`))
  assert.deepEqual(with401, [], 'no operation answers 401 without credentials configured')
})

test('the reference page loads with every asset from the server, behind the same Basic auth', async (t) => {
  const { url } = await startApp(t, { auth: AUTH })
  for (const path of ['/api/openapi.json', '/api/docs', '/api/docs/', '/api/docs/json', '/api/docs/static/swagger-ui-bundle.js']) {
    const res = await fetch(url + path)
    assert.equal(res.status, 401, `${path} without credentials`)
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthorized')
  }

  // with and without the trailing slash (the page's links are relative to it)
  for (const page of ['/api/docs', '/api/docs/']) {
    const res = await fetch(url + page, { headers: authHeader })
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/)
    const html = await res.text()
    assert.match(html, /<div id="swagger-ui">/)
    const assets = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!)
    assert.ok(assets.some((a) => a.endsWith('swagger-ui-bundle.js')) && assets.some((a) => a.endsWith('swagger-initializer.js')), assets.join(' '))
    for (const asset of assets) {
      // offline: no CDN, every asset is on this server
      assert.doesNotMatch(asset, /^(?:[a-z]+:)?\/\//i, `${asset} is served here`)
      const assetUrl = new URL(asset, url + page)
      assert.equal(assetUrl.origin, new URL(url).origin)
      const got = await fetch(assetUrl, { headers: authHeader })
      assert.equal(got.status, 200, `${assetUrl.pathname} loads`)
      assert.ok((await got.arrayBuffer()).byteLength > 0, `${assetUrl.pathname} is not empty`)
    }
  }

  // the page's script loads the document from ./json: the same document as /api/openapi.json
  const init = await (await fetch(`${url}/api/docs/static/swagger-initializer.js`, { headers: authHeader })).text()
  assert.match(init, /resolveUrl\('\.\/json'\)/)
  // Swagger UI would send the document to an online validator unless told not to
  assert.match(init, /validatorUrl: null/)
  const viaPage = await (await fetch(`${url}/api/docs/json`, { headers: authHeader })).json()
  assert.deepEqual(viaPage, await fetchDoc(url))
})
