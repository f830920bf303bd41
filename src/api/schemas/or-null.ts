// A nullable field of a response schema as `type: [T, 'null']` rather than TypeBox's
// `anyOf: [T, null]`. Both say the same to a client (OpenAPI 3.1), but fast-json-stringify
// serialises a type list directly while an anyOf makes it build and run an Ajv validator per
// answer: on /api/status that cost the first request of a start ~90 ms. Responses only: the
// request validator (TypeBox's checker) does not know the resulting schema kind.
import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox'

export function OrNull<T extends TSchema> (schema: T, options: { description?: string } = {}) {
  const type = (schema as { type?: unknown }).type
  if (typeof type !== 'string') throw new TypeError('OrNull: the schema needs one `type`')
  return Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: [type, 'null'] })
}
