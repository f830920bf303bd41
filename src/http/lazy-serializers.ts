// Fastify compiles every route's response serialiser (fast-json-stringify) before it listens:
// about 0.3 s for this API, most of a built start. Compiled on a route's first answer instead,
// with Fastify's own compiler and options, so what is sent is unchanged; a route never called
// costs nothing. The price: a schema fast-json-stringify rejects fails that route's first
// answer rather than the start (the OpenAPI and fuzz tests answer every route).
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

type Factory = ReturnType<typeof SerializerSelector>
type Serialize = (data: unknown) => string

/** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
export function lazySerializers (): Factory {
  const eager = SerializerSelector()
  return ((externalSchemas, options) => {
    const compile = eager(externalSchemas, options)
    return (route) => {
      let serialize: Serialize | undefined
      return (data: unknown) => (serialize ??= compile(route) as Serialize)(data)
    }
  }) as Factory
}
