import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/load.ts'
import { defaults } from '../../src/config/schema.ts'

const file = new URL('../../config.example.yaml', import.meta.url).pathname

test('config.example.yaml documents every key with its default value', () => {
  const example = parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>
  for (const [section, keys] of Object.entries(defaults)) {
    for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
      assert.ok(example[section] !== undefined && key in example[section], `${section}.${key} missing from config.example.yaml`)
      assert.deepEqual(example[section][key], value, `${section}.${key} differs from the default`)
    }
  }
  assert.deepEqual(loadConfig({ file, env: {} }), defaults)
})
