// Builds the one validated, frozen Config: defaults <- YAML file <- MOMOSHTREM_* environment.
// Every problem is collected and reported together in one ConfigError. Nothing outside
// config/ reads process.env.
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { parse as parseYaml } from 'yaml'
import { defaults, rules, type Config, type Rule } from './schema.ts'
import { isTrackerUrl } from '../torrent/magnet.ts'

export class ConfigError extends Error {
  readonly problems: string[]
  constructor (problems: string[], source: string) {
    super(`invalid configuration (${source}):\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] }

export interface LoadOptions {
  /** YAML file; absent = embedded defaults only */
  file?: string
  /** environment to read MOMOSHTREM_* from (defaults to process.env) */
  env?: NodeJS.ProcessEnv
  /** programmatic overrides applied last (tests: port 0, temp folders, fake TMDB URL) */
  overrides?: DeepPartial<Config>
}

export function loadConfig (opts: LoadOptions = {}): Readonly<Config> {
  const problems: string[] = []
  let fromFile: unknown = {}
  if (opts.file !== undefined) {
    try {
      fromFile = parseYaml(readFileSync(opts.file, 'utf8')) ?? {}
    } catch (err) {
      throw new ConfigError([`cannot read ${opts.file}: ${(err as Error).message}`], opts.file)
    }
  }
  const merged = structuredClone(defaults) as unknown as Record<string, Record<string, unknown>>
  mergeLayer(merged, fromFile, opts.file ?? 'file', problems)
  mergeLayer(merged, envLayer(opts.env ?? process.env, problems), 'environment', problems)
  if (opts.overrides !== undefined) mergeLayer(merged, opts.overrides, 'overrides', problems)
  validate(merged, problems)
  const config = merged as unknown as Config
  problems.push(...crossChecks(config))
  if (problems.length > 0) throw new ConfigError(problems, opts.file ?? 'defaults and environment')
  return deepFreeze(config)
}

function mergeLayer (target: Record<string, Record<string, unknown>>, layer: unknown, source: string, problems: string[]): void {
  if (layer === null || typeof layer !== 'object' || Array.isArray(layer)) {
    problems.push(`${source}: the top level must be a mapping of sections`)
    return
  }
  for (const [section, values] of Object.entries(layer)) {
    const found = (rules as unknown as Record<string, Record<string, Rule> | Rule>)[section]
    if (found === undefined) { problems.push(`${source}: unknown section "${section}"`); continue }
    if (values === null || values === undefined) continue
    if (isListRule(found)) {
      // a list section is replaced whole by the layer that sets it
      const list = listLayer(values, found, section, source, problems)
      if (list !== undefined) (target as Record<string, unknown>)[section] = list
      continue
    }
    const sectionRules = found as Record<string, Rule>
    if (typeof values !== 'object' || Array.isArray(values)) { problems.push(`${source}: ${section} must be a mapping`); continue }
    for (const [key, value] of Object.entries(values)) {
      const rule = sectionRules[key]
      if (rule === undefined) { problems.push(`${source}: unknown key "${section}.${key}"`); continue }
      if (value === undefined) continue
      if (rule.type === 'record') mergeRecord(target[section]!, key, value, rule.rules, `${section}.${key}`, source, problems)
      else target[section]![key] = value
    }
  }
}

type RecordsRule = Extract<Rule, { type: 'records' }>

function isListRule (r: Record<string, Rule> | Rule): r is RecordsRule {
  return (r as { type?: unknown }).type === 'records'
}

/** Section rules of the mapping sections (list sections such as indexers left out). */
function mappingSections (): Array<[string, Record<string, Rule>]> {
  return Object.entries(rules as unknown as Record<string, Record<string, Rule> | Rule>)
    .filter((e): e is [string, Record<string, Rule>] => !isListRule(e[1]))
}

/** A list of mappings (indexers): each entry's unknown keys are problems, missing optional keys take their defaults. */
function listLayer (value: unknown, rule: RecordsRule, name: string, source: string, problems: string[]): unknown[] | undefined {
  if (!Array.isArray(value)) { problems.push(`${source}: ${name} must be a list of mappings`); return undefined }
  return value.map((entry, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) { problems.push(`${source}: ${name}[${i}] must be a mapping`); return {} }
    for (const k of Object.keys(entry)) if (rule.rules[k] === undefined) problems.push(`${source}: unknown key "${name}[${i}].${k}"`)
    return { ...structuredClone(rule.defaults), ...entry }
  })
}

/** A nested mapping merges key by key, so a file that sets one key keeps the others' defaults. */
function mergeRecord (target: Record<string, unknown>, key: string, value: unknown, keyRules: Readonly<Record<string, Rule>>, name: string, source: string, problems: string[]): void {
  if (value === null) return
  if (typeof value !== 'object' || Array.isArray(value)) { problems.push(`${source}: ${name} must be a mapping`); return }
  const record = target[key] as Record<string, unknown>
  for (const [k, v] of Object.entries(value)) {
    if (keyRules[k] === undefined) { problems.push(`${source}: unknown key "${name}.${k}"`); continue }
    if (v !== undefined) record[k] = v
  }
}

/** MOMOSHTREM_<SECTION>_<KEY>, e.g. MOMOSHTREM_TORRENT_GLOBAL_CACHE_SIZE=2048. */
function envLayer (env: NodeJS.ProcessEnv, problems: string[]): Record<string, Record<string, unknown>> {
  const layer: Record<string, Record<string, unknown>> = {}
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('MOMOSHTREM_') || raw === undefined) continue
    const rest = name.slice('MOMOSHTREM_'.length).toLowerCase()
    const sections = mappingSections()
    const entry = sections.find(([s]) => rest.startsWith(s + '_'))
    const section = entry?.[0]
    const key = section === undefined ? undefined : rest.slice(section.length + 1)
    const found = entry === undefined || key === undefined ? undefined : envKey(entry[1], key)
    if (section === undefined || found === undefined) { problems.push(`environment: unknown variable ${name}`); continue }
    const value = coerceEnv(raw, found.rule)
    if (value === undefined) { problems.push(`environment: ${name}=${JSON.stringify(raw)} is not ${describe(found.rule)}`); continue }
    const sectionLayer = (layer[section] ??= {})
    if (found.sub === undefined) sectionLayer[found.key] = value
    else ((sectionLayer[found.key] ??= {}) as Record<string, unknown>)[found.sub] = value
  }
  return layer
}

/** `opensubtitles_api_key` -> key opensubtitles, sub api_key (MOMOSHTREM_SUBTITLES_OPENSUBTITLES_API_KEY). */
function envKey (sectionRules: Record<string, Rule>, rest: string): { key: string, sub?: string, rule: Rule } | undefined {
  const direct = sectionRules[rest]
  if (direct !== undefined && direct.type !== 'record') return { key: rest, rule: direct }
  for (const [key, rule] of Object.entries(sectionRules)) {
    if (rule.type !== 'record' || !rest.startsWith(key + '_')) continue
    const sub = rest.slice(key.length + 1)
    const subRule = rule.rules[sub]
    if (subRule !== undefined && subRule.type !== 'record') return { key, sub, rule: subRule }
  }
  return undefined
}

function coerceEnv (raw: string, rule: Rule): unknown {
  switch (rule.type) {
    case 'bool': {
      const v = raw.trim().toLowerCase()
      if (['1', 'true', 'yes', 'on'].includes(v)) return true
      if (['0', 'false', 'no', 'off'].includes(v)) return false
      return undefined
    }
    case 'int': case 'number': {
      if (raw.trim() === '') return undefined
      const n = Number(raw)
      return Number.isFinite(n) ? n : undefined
    }
    case 'list': return raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
    default: return raw
  }
}

function describe (rule: Rule): string {
  switch (rule.type) {
    case 'string': return rule.nonEmpty === true ? 'a non-empty string' : 'a string'
    case 'int': return `an integer from ${rule.min} to ${rule.max}`
    case 'number': return `a number from ${rule.min} to ${rule.max}`
    case 'bool': return 'true or false'
    case 'enum': return `one of ${rule.values.join(', ')}`
    case 'list': return rule.hint === undefined ? 'a list of strings' : `a list of ${rule.hint}`
    case 'ints': return `a list of integers from ${rule.min} to ${rule.max}`
    case 'record': return 'a mapping'
    case 'records': return `a list of mappings with ${rule.required.join(', ')}`
  }
}

function validate (config: Record<string, Record<string, unknown>>, problems: string[]): void {
  for (const [section, found] of Object.entries(rules as unknown as Record<string, Record<string, Rule> | Rule>)) {
    if (isListRule(found)) { validateList(config[section] as unknown as unknown[], found, section, problems); continue }
    for (const [key, rule] of Object.entries(found)) validateKey(config[section]!, key, rule, `${section}.${key}`, problems)
  }
}

function validateList (list: unknown[], rule: RecordsRule, name: string, problems: string[]): void {
  const seen = new Set<unknown>()
  list.forEach((entry, i) => {
    const e = entry as Record<string, unknown>
    for (const k of rule.required) if (e[k] === undefined) problems.push(`${name}[${i}]: ${k} is required`)
    for (const [k, r] of Object.entries(rule.rules)) if (e[k] !== undefined) validateKey(e, k, r, `${name}[${i}].${k}`, problems)
    const id = e[rule.unique]
    if (id !== undefined && seen.has(id)) problems.push(`${name}[${i}]: ${rule.unique} ${JSON.stringify(id)} is used twice`)
    seen.add(id)
  })
}

function validateKey (parent: Record<string, unknown>, key: string, rule: Rule, name: string, problems: string[]): void {
  const value = parent[key]
  if (rule.type === 'record') {
    for (const [k, r] of Object.entries(rule.rules)) validateKey(value as Record<string, unknown>, k, r, `${name}.${k}`, problems)
    return
  }
  // a secret's value never goes into a message
  const shown = /password|api_key|token/.test(key) ? '(hidden)' : JSON.stringify(value)
  if (!valid(value, rule)) problems.push(`${name}: ${shown} is not ${describe(rule)}`)
}

function valid (value: unknown, rule: Rule): boolean {
  switch (rule.type) {
    case 'string':
      if (typeof value !== 'string') return false
      if (rule.nonEmpty === true && value.trim() === '') return false
      return rule.url !== true || isHttpUrl(value)
    case 'int': return typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max
    case 'number': return typeof value === 'number' && Number.isFinite(value) && value >= rule.min && value <= rule.max
    case 'bool': return typeof value === 'boolean'
    case 'enum': return typeof value === 'string' && rule.values.includes(value)
    case 'list': return Array.isArray(value) && value.every((v) => typeof v === 'string' && (rule.url !== true || isTrackerUrl(v)) && (rule.pattern === undefined || rule.pattern.test(v)))
    case 'ints': return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= rule.min && v <= rule.max)
    case 'record': case 'records': return typeof value === 'object' && value !== null
  }
}

function isHttpUrl (s: string): boolean {
  try { const u = new URL(s); return u.protocol === 'http:' || u.protocol === 'https:' } catch { return false }
}

export function isLoopbackHost (host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1') return true
  return isIP(h) === 4 && h.startsWith('127.')
}

function crossChecks (c: Config): string[] {
  const out: string[] = []
  if (typeof c.auth?.username !== 'string' || typeof c.auth?.password !== 'string') return out
  const hasUser = c.auth.username !== ''
  const hasPass = c.auth.password !== ''
  if (hasUser !== hasPass) out.push('auth: set both auth.username and auth.password, or neither')
  if (typeof c.server?.host === 'string' && !isLoopbackHost(c.server.host) && !(hasUser && hasPass) && c.auth.allow_anonymous_remote !== true) {
    out.push(`server.host: ${c.server.host} is reachable from other machines but no credentials are set; ` +
      'set auth.username and auth.password, or set auth.allow_anonymous_remote: true to allow anonymous access on purpose')
  }
  const os = c.subtitles?.opensubtitles
  if (typeof os?.username === 'string' && typeof os.password === 'string' && (os.username === '') !== (os.password === '')) {
    out.push('subtitles.opensubtitles: set both username and password, or neither')
  }
  if (typeof c.tmdb?.api_key === 'string' && c.tmdb.api_key !== '' && c.tmdb.bearer_token !== '') {
    out.push('tmdb: set tmdb.api_key or tmdb.bearer_token, not both')
  }
  return out
}

function deepFreeze<T> (o: T): Readonly<T> {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v)
    Object.freeze(o)
  }
  return o
}
