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
    const sectionRules = (rules as Record<string, Record<string, Rule>>)[section]
    if (sectionRules === undefined) { problems.push(`${source}: unknown section "${section}"`); continue }
    if (values === null || values === undefined) continue
    if (typeof values !== 'object' || Array.isArray(values)) { problems.push(`${source}: ${section} must be a mapping`); continue }
    for (const [key, value] of Object.entries(values)) {
      if (sectionRules[key] === undefined) { problems.push(`${source}: unknown key "${section}.${key}"`); continue }
      if (value !== undefined) target[section]![key] = value
    }
  }
}

/** MOMOSHTREM_<SECTION>_<KEY>, e.g. MOMOSHTREM_TORRENT_GLOBAL_CACHE_SIZE=2048. */
function envLayer (env: NodeJS.ProcessEnv, problems: string[]): Record<string, Record<string, unknown>> {
  const layer: Record<string, Record<string, unknown>> = {}
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('MOMOSHTREM_') || raw === undefined) continue
    const rest = name.slice('MOMOSHTREM_'.length).toLowerCase()
    const section = Object.keys(rules).find((s) => rest.startsWith(s + '_'))
    const key = section === undefined ? undefined : rest.slice(section.length + 1)
    const rule = section === undefined || key === undefined ? undefined : (rules as Record<string, Record<string, Rule>>)[section]![key]
    if (section === undefined || key === undefined || rule === undefined) { problems.push(`environment: unknown variable ${name}`); continue }
    const value = coerceEnv(raw, rule)
    if (value === undefined) { problems.push(`environment: ${name}=${JSON.stringify(raw)} is not ${describe(rule)}`); continue }
    ;(layer[section] ??= {})[key] = value
  }
  return layer
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
    case 'list': return 'a list of strings'
  }
}

function validate (config: Record<string, Record<string, unknown>>, problems: string[]): void {
  for (const [section, keys] of Object.entries(rules as Record<string, Record<string, Rule>>)) {
    for (const [key, rule] of Object.entries(keys)) {
      const value = config[section]![key]
      if (!valid(value, rule)) problems.push(`${section}.${key}: ${JSON.stringify(value)} is not ${describe(rule)}`)
    }
  }
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
    case 'list': return Array.isArray(value) && value.every((v) => typeof v === 'string' && (rule.url !== true || isTrackerUrl(v)))
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
