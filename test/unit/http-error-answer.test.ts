import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { toErrorAnswer, validationMessage } from '../../src/http/error-answer.ts'
import { parseAddBody } from '../../src/api/schemas/library.ts'
import { ConflictError, InvalidInputError, NotConfiguredError, UpstreamError } from '../../src/errors.ts'

const log = pino({ level: 'silent' })

test('parseAddBody: exactly one of tmdb_id or title', () => {
  assert.deepEqual(parseAddBody({ tmdb_id: 550 }), { tmdbId: 550 })
  assert.deepEqual(parseAddBody({ title: '  Amélie ' }), { title: 'Amélie', year: null })
  assert.deepEqual(parseAddBody({ title: 'Fight Club', year: 1999 }), { title: 'Fight Club', year: 1999 })
  assert.deepEqual(parseAddBody({ title: 'x', year: null }), { title: 'x', year: null })
  assert.throws(() => parseAddBody({}), InvalidInputError)
  assert.throws(() => parseAddBody({ tmdb_id: 1, title: 'x' }), /exactly one/)
  assert.throws(() => parseAddBody({ tmdb_id: 1, year: 1999 }), /"year" goes with "title"/)
  assert.throws(() => parseAddBody({ title: '   ' }), /must not be empty/)
  // NFC: a title typed with a combining accent is stored composed
  assert.deepEqual(parseAddBody({ title: 'Ame\u0301lie' }), { title: 'Am\u00e9lie', year: null })
})

test('domain errors keep their status and message; unknown errors become a generic 500', () => {
  assert.deepEqual(toErrorAnswer(new ConflictError('taken', { id: 3 }), 'r1', log),
    { status: 409, body: { error: { code: 'conflict', message: 'taken', details: { id: 3 } } } })
  assert.equal(toErrorAnswer(new NotConfiguredError('set a key'), 'r1', log).status, 503)
  assert.equal(toErrorAnswer(new UpstreamError('slow', { status: 504 }), 'r1', log).status, 504)
  const internal = toErrorAnswer(new Error('secret database path /x/y'), 'req-7', log)
  assert.equal(internal.status, 500)
  assert.equal(internal.body.error.code, 'internal')
  assert.doesNotMatch(internal.body.error.message, /secret/)
  assert.match(internal.body.error.message, /req-7/)
  const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 })
  assert.deepEqual(toErrorAnswer(tooLarge, 'r', log).body.error.code, 'payload_too_large')
})

test('validation messages are one readable line', () => {
  assert.equal(validationMessage('body', [
    { keyword: 'boolean', instancePath: '/extra', message: 'schema is false' },
    { keyword: 'additionalProperties', instancePath: '', params: { additionalProperties: ['extra'] }, message: 'must not have additional properties' }
  ]), 'body has unknown field "extra"')
  assert.equal(validationMessage('body', [
    { keyword: 'minimum', instancePath: '/year', message: 'must be >= 1800' },
    { keyword: 'type', instancePath: '/year', message: 'must be null' },
    { keyword: 'anyOf', instancePath: '/year', message: 'must match a schema in anyOf' }
  ]), 'body/year must be >= 1800 or null')
  assert.equal(validationMessage('querystring', [
    { keyword: 'const', instancePath: '/type', params: { allowedValue: 'movie' } },
    { keyword: 'const', instancePath: '/type', params: { allowedValue: 'tv' } }
  ]), 'querystring/type must be "movie" or "tv"')
})
