// The /api validator: TypeBox's checker (bodies taken as sent: no "550" -> 550 coercion, no
// silently dropped unknown keys; params and query strings converted from text first), plus
// one guard TypeBox's conversion lacks: it truncates "1.5" and reads "1e3", "+1", "01" or
// " " as integers, so integer fields in params and query strings must be plain decimal
// digits without sign or leading zero ("+1" or "01" must not name movie 1: one id, one
// spelling). Every such field is non-negative; anything else is a 400.
import { TypeBoxValidatorCompiler, type TSchema } from '@fastify/type-provider-typebox'
import type { FastifySchemaCompiler } from 'fastify'

const DIGITS = /^(?:0|[1-9][0-9]*)$/

function integerFields (schema: TSchema): string[] {
  const props = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {}
  return Object.entries(props).filter(([, s]) => s.type === 'integer').map(([name]) => name)
}

/** TypeBox's checker, compiled on the route's first request: a start compiles none (start-up time). */
function lazyCheck (route: Parameters<FastifySchemaCompiler<TSchema>>[0]): ReturnType<FastifySchemaCompiler<TSchema>> {
  let compiled: ReturnType<FastifySchemaCompiler<TSchema>> | undefined
  return (value) => (compiled ??= TypeBoxValidatorCompiler(route))(value)
}

export const apiValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const check = lazyCheck(route)
  if (route.httpPart !== 'params' && route.httpPart !== 'querystring') return check
  const ints = integerFields(route.schema)
  if (ints.length === 0) return check
  return (value) => {
    const record = value as Record<string, unknown> | null
    for (const name of ints) {
      const raw = record?.[name]
      if (typeof raw === 'string' && !DIGITS.test(raw)) {
        return { error: [{ keyword: 'type', instancePath: `/${name}`, schemaPath: `#/properties/${name}/type`, params: { type: 'integer' }, message: 'must be an integer in plain decimal digits (no sign, leading zero or spaces)' }] }
      }
    }
    return check(value)
  }
}
