// Property-based fuzz of every operation in the OpenAPI document, over real HTTP against the
// real app (fake TMDB, Torznab indexer and OpenSubtitles on loopback; no DHT, no trackers, and
// no generated magnet names a tracker, web seed or peer, so nothing leaves the machine).
// Generated: path ids (rows that exist, schema values, junk: negative, huge, strings, unicode,
// bad escapes), query strings and bodies (from the schema, mutated, arbitrary JSON, malformed
// JSON, wrong content types, none, too large). Asserted for every request:
//   - never a 5xx, except an assign or inspect whose magnet's swarm cannot be reached
//     (ALLOWED_5XX: the one outside service here is the BitTorrent swarm, and it is absent);
//   - every error is {"error": {"code", "message", "details"?}} as JSON;
//   - the status and content type are among those the document declares for the operation;
//   - a rejected request (4xx) leaves the database exactly as it was (dumped before and after).
// Fixed seed and bounded runs (API_FUZZ_SEED / API_FUZZ_RUNS to explore further by hand).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request, Agent } from 'node:http'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc, { type Arbitrary } from 'fast-check'
import { startApp } from '../helpers/app.ts'
import { startFakeTmdb } from '../helpers/fake-tmdb.ts'
import { startFakeTorznab } from '../helpers/fake-torznab.ts'
import { startFakeOpenSubtitles } from '../helpers/fake-opensubtitles.ts'
import { apiClient } from '../helpers/api-client.ts'
import { junkValue, mutated, valid, type JsonSchema, type SchemaContext } from '../helpers/schema-arbitrary.ts'

const SEED = Number(process.env.API_FUZZ_SEED ?? 20_240_611)
const RUNS = Number(process.env.API_FUZZ_RUNS ?? 50)

/**
 * 5xx answers that are right, by operation: each takes a magnet whose metadata must come from
 * the swarm, and no peer exists here, so after torrent.add_timeout the answer is 504 timeout
 * (the gateway-timeout meaning: an outside service did not answer in time).
 */
const ALLOWED_5XX: Record<string, { status: number, code: string }> = {
  'POST /movies/{id}/assign': { status: 504, code: 'add_timeout' },
  'POST /episodes/{id}/assign': { status: 504, code: 'add_timeout' },
  'POST /shows/{id}/assign': { status: 504, code: 'add_timeout' },
  'POST /torrents': { status: 504, code: 'add_timeout' }
}

interface Operation {
  key: string
  method: string
  path: string
  params: Array<{ name: string, schema: JsonSchema }>
  query: Array<{ name: string, schema: JsonSchema, required: boolean }>
  body: JsonSchema | undefined
  responses: Record<string, { content?: Record<string, unknown> }>
}

interface Wire {
  method: string
  path: string
  headers: Record<string, string>
  body?: Buffer
  /** the path may not match the operation's route at all (junk ids with '/', '..') */
  junkPath: boolean
}

function operations (doc: any): Operation[] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => {
    const parameters = (op.parameters ?? []) as Array<{ in: string, name: string, schema: JsonSchema, required?: boolean }>
    return {
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      params: parameters.filter((p) => p.in === 'path'),
      query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: p.required === true })),
      body: op.requestBody?.content?.['application/json']?.schema,
      responses: op.responses
    }
  }))
}

// ---- generated parts ------------------------------------------------------------------

/** Safe to put in a request line as it is; anything else percent-encoded. */
const pathSafe = (s: string): string => /^[\x21-\x7e]*$/.test(s) && !/[?#]/.test(s) ? s : encodeURIComponent(s)

const junkSegment: Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '-1', '01', '+1', '1e3', '1.5', '%201', '0x10', '9007199254740992', '99999999999999999999999999', 'NaN',
    'Infinity', 'null', '%00', '%zz', '%', '%E0%A4%A', '..', '.', '~', '%D0%B8%D0%B4', '%F0%9F%92%A5', 'a'.repeat(300), '1;DROP%20TABLE%20movies', "1'OR'1'='1"),
  fc.string({ maxLength: 30, unit: 'grapheme' }).map(encodeURIComponent),
  fc.integer({ min: -(2 ** 31), max: -1 }).map(String),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }).map(String)
)

type Segment = { existing: number } | { text: string, junk: boolean }

const junkQuery: Arbitrary<string> = fc.oneof(
  fc.constantFrom('a=1&a=2', '%', '%zz=1', '=', '&&&', 'limit=1&limit=2', 'offset=-1', 'limit=0', 'q=%00', '__proto__[x]=1',
    'constructor[prototype][x]=1', 'show=1&season=', 'type=movie&q=', 'page=99999999999', `q=${'x'.repeat(5000)}`),
  fc.string({ maxLength: 40, unit: 'grapheme' }).map((s) => encodeURI(s).replace(/#/g, '%23'))
)

const MALFORMED_JSON = ['{', '{"a":', '[1,', 'nul', '{"a":1}}', '\u0000', '"unterminated', '{"a":1,}', "{'a':1}", 'NaN', '{"a":1e999999}']
const WRONG_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
  'application/octet-stream', 'application/jsonx', 'application/json; charset=utf-16', 'text/json']
/** Over server bodyLimit (1 MiB); named, not built, in generated values (a counterexample prints them). */
const TOO_LARGE = 'TOO_LARGE'
const tooLarge = Buffer.from(JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) }))

type Body = { json: unknown } | { raw: string, type: string | null } | null

function bodyArbitrary (op: Operation, ctx: SchemaContext): Arbitrary<Body> {
  const junk: Array<fc.WeightedArbitrary<Body>> = [
    { weight: 1, arbitrary: junkValue.map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...MALFORMED_JSON), fc.string({ maxLength: 30 })).map((raw) => ({ raw, type: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WRONG_TYPES, null), fc.jsonValue()).map(([type, v]) => ({ raw: JSON.stringify(v) ?? 'x', type })) },
    { weight: 1, arbitrary: fc.constantFrom<Body>(null, { raw: '', type: 'application/json' }, { raw: TOO_LARGE, type: 'application/json' }) }
  ]
  if (op.body === undefined) return fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, ...junk)
  return fc.oneof(
    { weight: 6, arbitrary: valid(op.body, ctx).map((json) => ({ json })) },
    { weight: 3, arbitrary: mutated(op.body, ctx).map((json) => ({ json })) },
    ...junk
  )
}

function queryArbitrary (op: Operation, ctx: SchemaContext): Arbitrary<string> {
  const fields = op.query.map((q) => {
    const hint = ctx.hints?.[q.name]
    const value = hint === undefined ? valid(q.schema, ctx) : fc.oneof(hint, valid(q.schema, ctx))
    const pair = value.map((v): [string, string] | undefined => [q.name, String(v)])
    return q.required ? pair : fc.option(pair, { nil: undefined, freq: 2 })
  })
  const fromSchema = fc.tuple(...fields).map((pairs) => new URLSearchParams(pairs.filter((p) => p !== undefined) as Array<[string, string]>).toString())
  const wrongValue = fc.tuple(fromSchema, fc.constantFrom(...op.query.map((q) => q.name), 'extra'), junkValue)
    .map(([qs, name, v]) => `${qs}${qs === '' ? '' : '&'}${encodeURIComponent(name)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}`)
  return fc.oneof({ weight: 5, arbitrary: fromSchema }, { weight: 2, arbitrary: wrongValue }, { weight: 2, arbitrary: junkQuery })
}

function segmentArbitrary (schema: JsonSchema, ctx: SchemaContext): Arbitrary<Segment> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.nat().map((existing) => ({ existing })) },
    { weight: 2, arbitrary: valid(schema, ctx).map((v) => ({ text: pathSafe(String(v)), junk: false })) },
    { weight: 2, arbitrary: junkSegment.map((text) => ({ text, junk: true })) }
  )
}

interface Generated { segments: Segment[], query: string, body: Body }

function requestArbitrary (op: Operation, ctx: SchemaContext): Arbitrary<Generated> {
  return fc.record({
    segments: fc.tuple(...op.params.map((p) => segmentArbitrary(p.schema, ctx))),
    query: queryArbitrary(op, ctx),
    body: op.method === 'GET' ? fc.constant(null) : bodyArbitrary(op, ctx)
  })
}

// ---- the app's side ---------------------------------------------------------------------

/** Rows that exist now, for ids that hit: by the route's collection and the parameter's name. */
function existingValues (db: Database.Database, op: Operation, param: string, torrents: () => string[]): string[] {
  const collection = op.path.split('/')[1] ?? ''
  const ids = (table: string): string[] => db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all().map(String)
  if (param === 'id' && ['movies', 'shows', 'episodes', 'subtitles'].includes(collection)) return ids(collection)
  if (param === 'hash') return torrents()
  if (param === 'name') return ['fuzz']
  if (param === 'file') {
    return (db.prepare('SELECT poster_path FROM movies WHERE poster_path IS NOT NULL UNION SELECT poster_path FROM shows WHERE poster_path IS NOT NULL').pluck().all() as string[]).map((p) => p.replace(/^\//, ''))
  }
  return []
}

/** Every table, every row: a rejected request must leave all of it as it was. */
function dump (db: Database.Database): string {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]
  return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]))
}

interface Answer { status: number, type: string, text: string }

async function send (port: number, agent: Agent, w: Wire): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, agent, method: w.method, path: w.path, headers: w.headers, signal: AbortSignal.timeout(30_000) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, type: (res.headers['content-type'] ?? '').split(';')[0]!.trim(), text: Buffer.concat(chunks).toString('utf8') }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(w.body)
  })
}

/** The error format, exactly: {"error": {"code", "message", "details"?}} and nothing else. */
function assertErrorBody (a: Answer, what: string): void {
  assert.equal(a.type, 'application/json', `${what}: error as JSON`)
  const body = JSON.parse(a.text) as Record<string, any>
  assert.deepEqual(Object.keys(body), ['error'], `${what}: ${a.text}`)
  const { code, message, details, ...rest } = body.error as Record<string, unknown>
  assert.deepEqual(rest, {}, `${what}: only code, message, details: ${a.text}`)
  assert.ok(typeof code === 'string' && /^[a-z][a-z0-9_]*$/.test(code), `${what}: code ${String(code)}`)
  assert.ok(typeof message === 'string' && message.length > 0, `${what}: message`)
  assert.ok(details === undefined || (typeof details === 'object' && details !== null && !Array.isArray(details)), `${what}: details`)
}

/** No tracker, web seed or peer address in what is sent: a magnet must not lead off this machine. */
const LEADS_OUT = /(?:^|[?&]|%26|%3F)(?:tr|ws|xs|as|x\.pe)(?:\.\d+)?(?:=|%3D)/i

test('fuzz: every operation of the document, generated ids, queries and bodies: no 5xx, the error format, declared answers, nothing changed by a rejected request', { timeout: 300_000 }, async (t) => {
  const tmdb = await startFakeTmdb(t)
  const indexer = await startFakeTorznab(t, { flavour: 'prowlarr', name: 'fuzz' })
  const releaseMagnet = `magnet:?xt=urn:btih:${'ab'.repeat(20)}&dn=Fight.Club.1999.1080p.BluRay.x264-GRP`
  indexer.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GRP', magnet: releaseMagnet, seeders: 5 })
  const os = await startFakeOpenSubtitles(t)
  const sub = os.addSubtitle({ tmdbId: 550, language: 'en', release: 'Fight.Club.1999.1080p.BluRay.x264-GRP' })
  const { url, dataDir } = await startApp(t, {
    tmdb: { base_url: tmdb.url, api_key: tmdb.apiKey },
    indexers: [{ name: 'fuzz', url: indexer.url, api_key: indexer.apiKey, categories: [], timeout: 2 }],
    subtitles: { opensubtitles: { api_key: os.apiKey, base_url: os.url, timeout: 2 } },
    // bounded waits: an unseeded magnet costs add_timeout, a health check health_timeout
    torrent: { add_timeout: 0.3, read_timeout: 2 },
    releases: { health_timeout: 1 },
    library: { refresh_interval: 0 }
  })
  const port = Number(new URL(url).port)
  const api = apiClient(url)

  const db = new Database(join(dataDir, 'momoshtrem.db'), { readonly: true, fileMustExist: true })
  t.after(() => { db.close() })
  const count = (sql: string): number => db.prepare(sql).pluck().get() as number
  /** A library to aim at, made again before each operation (deletes succeed on rows that exist). */
  const seed = async (): Promise<void> => {
    const added = async (path: string, body: unknown): Promise<number> => {
      const res = await api.post(path, body)
      assert.equal(res.status, 201, `seeding ${path}: ${JSON.stringify(res.body)}`)
      return res.body.id as number
    }
    if (count('SELECT count(*) FROM movies WHERE tmdb_id = 550') === 0) await added('/api/movies', { tmdb_id: 550 })
    if (count('SELECT count(*) FROM movies WHERE tmdb_id IS NULL') === 0) await added('/api/movies', { title: 'Manual Movie', year: 2001 })
    if (count('SELECT count(*) FROM shows WHERE tmdb_id = 1396') === 0) await added('/api/shows', { tmdb_id: 1396 })
    if (count('SELECT count(*) FROM shows WHERE tmdb_id IS NULL') === 0) {
      await added(`/api/shows/${await added('/api/shows', { title: 'Manual Show' })}/episodes`, { season_number: 1, episode_number: 1 })
    }
    if (count("SELECT count(*) FROM subtitles WHERE origin = 'opensubtitles'") === 0) {
      const movieId = count('SELECT id FROM movies WHERE tmdb_id = 550')
      assert.equal((await api.post(`/api/movies/${movieId}/subtitles`, { file_id: sub.fileId })).status, 201)
    }
  }
  await seed()
  const search = await api.get(`/api/movies/${count('SELECT id FROM movies WHERE tmdb_id = 550')}/releases`)
  assert.equal(search.status, 200)
  const releaseIds = (search.body.releases as Array<{ id: string }>).map((r) => r.id)
  assert.ok(releaseIds.length > 0)

  const docRes = await api.get('/api/openapi.json')
  assert.equal(docRes.status, 200)
  const ops = operations(docRes.body)
  const hex = fc.stringMatching(/^[0-9a-f]{40}$/)
  const magnet = fc.oneof(hex.map((h) => `magnet:?xt=urn:btih:${h}`), hex, fc.constant(releaseMagnet), fc.constant('magnet:?xt=urn:btih:'))
  const ctx: SchemaContext = {
    components: docRes.body.components?.schemas ?? {},
    hints: {
      magnet_uri: magnet,
      magnets: fc.array(magnet, { minLength: 1, maxLength: 3 }),
      release_id: fc.constantFrom(...releaseIds),
      release_ids: fc.array(fc.constantFrom(...releaseIds), { minLength: 1, maxLength: 2 }),
      file_id: fc.constant(sub.fileId),
      tmdb_id: fc.constantFrom(550, 754, 1396, 70523, 990001, 404404),
      season: fc.integer({ min: 0, max: 3 }),
      season_number: fc.integer({ min: 0, max: 3 }),
      timeout: fc.constant(1)
    }
  }

  const agent = new Agent({ keepAlive: true })
  t.after(() => { agent.destroy() })
  let loaded: string[] = []
  const tally = new Map<string, number>()

  for (const op of ops) {
    await seed()
    loaded = ((await api.get('/api/torrents')).body.items as Array<{ info_hash: string }>).map((x) => x.info_hash)
    const out = await fc.check(fc.asyncProperty(requestArbitrary(op, ctx), async (g) => {
      let i = 0
      let junkPath = false
      const path = op.path.replace(/\{[^}]+\}/g, () => {
        const param = op.params[i]!
        const s = g.segments[i++]!
        if ('text' in s) { junkPath ||= s.junk; return s.text }
        const rows = existingValues(db, op, param.name, () => loaded)
        return rows.length === 0 ? '424242' : encodeURIComponent(rows[s.existing % rows.length]!)
      })
      const headers: Record<string, string> = {}
      let body: Buffer | undefined
      if (g.body !== null) {
        if ('json' in g.body) { body = Buffer.from(JSON.stringify(g.body.json) ?? 'null'); headers['content-type'] = 'application/json' } else {
          body = g.body.raw === TOO_LARGE ? tooLarge : Buffer.from(g.body.raw)
          if (g.body.type !== null) headers['content-type'] = g.body.type
        }
      }
      // framed: node:http sends a DELETE's body without Content-Length, and the server then
      // reads it as a next request (pipelined-garbage.test.ts covers that case)
      if (body !== undefined) headers['content-length'] = String(body.length)
      const w: Wire = { method: op.method, path: `/api${path}${g.query === '' ? '' : `?${g.query}`}`, headers, junkPath, ...(body === undefined ? {} : { body }) }
      assert.doesNotMatch(`${w.path} ${body?.subarray(0, 70_000).toString() ?? ''}`, LEADS_OUT, 'a generated request names an outside peer or tracker')
      const what = `${op.key} as ${w.method} ${w.path.slice(0, 300)} ${headers['content-type'] ?? ''} ${body?.subarray(0, 300).toString() ?? ''}`

      const before = dump(db)
      const a = await send(port, agent, w)
      tally.set(`${op.key} ${a.status}`, (tally.get(`${op.key} ${a.status}`) ?? 0) + 1)

      if (a.status >= 500) {
        const allowed = ALLOWED_5XX[op.key]
        assertErrorBody(a, what)
        const code = (JSON.parse(a.text) as { error: { code: string } }).error.code
        assert.ok(allowed !== undefined && allowed.status === a.status && allowed.code === code, `${what}: ${a.status} ${a.text}`)
      }
      if (a.status >= 400) assertErrorBody(a, what)
      if (!w.junkPath) {
        const declared = op.responses[String(a.status)]
        assert.ok(declared !== undefined, `${what}: ${a.status} is not declared for ${op.key}: ${a.text.slice(0, 300)}`)
        if (declared.content === undefined) assert.equal(a.text, '', `${what}: ${a.status} has no body`)
        else assert.ok(Object.keys(declared.content).includes(a.type), `${what}: ${a.status} ${a.type} is not declared (${Object.keys(declared.content).join(', ')})`)
      }
      if (a.status >= 400 && a.status < 500) assert.equal(dump(db), before, `${what}: ${a.status} changed the database`)
    }), { seed: SEED, numRuns: RUNS, endOnFailure: true })
    // the assertion's own message first: fast-check keeps it only as the report's cause
    if (out.failed) assert.fail(`${op.key}: ${out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance)}\n${fc.defaultReportMessage(out) ?? ''}`)
  }
  t.diagnostic(`${ops.length} operations x ${RUNS} runs, seed ${SEED}: ${[...tally].map(([k, n]) => `${k}: ${n}`).join('; ')}`)
})
