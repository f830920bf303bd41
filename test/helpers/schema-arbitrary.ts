// fast-check arbitraries for the values a JSON schema of the OpenAPI document accepts (the
// subset the API's TypeBox schemas produce: objects, arrays, strings with lengths and
// patterns, bounded numbers, enums, anyOf, null, $ref to components), and junk around them.
// `hints` replace the generated value of a named property (magnet_uri: magnets that lead
// somewhere known) so the fuzz reaches past the first checks.
import fc, { type Arbitrary } from 'fast-check'

export type JsonSchema = Record<string, any>

export interface SchemaContext {
  /** components.schemas of the document, for $ref */
  components: Record<string, JsonSchema>
  /** property name -> arbitrary used in its place (half of the time) */
  hints?: Record<string, Arbitrary<unknown>>
}

const INT32 = 2 ** 31 - 1
/** Long strings add nothing the bounds tests do not cover, and slow every run. */
const MAX_GENERATED_LENGTH = 40

function integers (min: number, max: number): Arbitrary<number> {
  const lo = Math.max(min, -INT32)
  const hi = Math.min(max, INT32)
  // fc.integer is 32-bit: the far ends of wider ranges as constants
  return lo <= hi ? fc.oneof(fc.integer({ min: lo, max: hi }), fc.constantFrom(min, max)) : fc.constantFrom(min, max)
}

function strings (s: JsonSchema): Arbitrary<string> {
  const minLength = Number(s.minLength ?? 0)
  const maxLength = Math.max(minLength, Math.min(Number(s.maxLength ?? MAX_GENERATED_LENGTH), MAX_GENERATED_LENGTH))
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern)
    return fc.stringMatching(re).filter((v) => v.length >= minLength && (s.maxLength === undefined || v.length <= Number(s.maxLength)))
  }
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as string[]))
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ minLength, maxLength, unit: 'grapheme' }))
}

/** Values the schema accepts. */
export function valid (s: JsonSchema, ctx: SchemaContext): Arbitrary<unknown> {
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '')
    const target = ctx.components[name]
    if (target === undefined) throw new Error(`unknown $ref ${s.$ref}`)
    return valid(target, ctx)
  }
  if ('const' in s) return fc.constant(s.const)
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]))
  const branches = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined
  if (branches !== undefined) return fc.oneof(...branches.map((b) => valid(b, ctx)))
  const type = Array.isArray(s.type) ? s.type : [s.type]
  if (type.length > 1) return fc.oneof(...type.map((t: string) => valid({ ...s, type: t }, ctx)))
  switch (type[0]) {
    case 'null': return fc.constant(null)
    case 'boolean': return fc.boolean()
    case 'integer': return integers(Number(s.minimum ?? -Number.MAX_SAFE_INTEGER), Number(s.maximum ?? Number.MAX_SAFE_INTEGER))
    case 'number': return fc.double({ min: Number(s.minimum ?? -1e9), max: Number(s.maximum ?? 1e9), noNaN: true, noDefaultInfinity: true })
    case 'string': return strings(s)
    case 'array': return fc.array(valid(s.items ?? {}, ctx), { minLength: Number(s.minItems ?? 0), maxLength: Math.min(Number(s.maxItems ?? 5), 5) })
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>
      const record: Record<string, Arbitrary<unknown>> = {}
      for (const [name, p] of Object.entries(props)) {
        const hint = ctx.hints?.[name]
        record[name] = hint === undefined ? valid(p, ctx) : fc.oneof(hint, valid(p, ctx))
      }
      const arb = fc.record(record, { requiredKeys: (s.required ?? []) as string[] })
      const min = Number(s.minProperties ?? 0)
      return min > 0 ? arb.filter((o) => Object.keys(o).length >= min) : arb
    }
    default: return fc.jsonValue()
  }
}

/** Values that are wrong for most schemas: other types, edges, hostile keys. */
export const junkValue: Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, '', ' ', '0', -1, 0, 1.5, 2 ** 53, -(2 ** 63), 1e308, '\u0000', '💥', 'ｆｕｌｌ', [], {}),
  fc.constant(JSON.parse('{"__proto__": {"polluted": 1}}') as unknown),
  fc.constant({ constructor: { prototype: { polluted: 1 } } })
)

/** A schema-valid object with one property wrong or one unknown property added. */
export function mutated (s: JsonSchema, ctx: SchemaContext): Arbitrary<unknown> {
  return fc.tuple(valid(s, ctx), fc.string({ maxLength: 12 }), junkValue, fc.boolean()).map(([value, key, junk, replace]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return junk
    const keys = Object.keys(value)
    const target = replace && keys.length > 0 ? keys[key.length % keys.length]! : (key === '' ? 'extra' : key)
    return { ...value, [target]: junk }
  })
}
