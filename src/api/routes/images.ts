// GET /api/images/:size/:file: TMDB images through the server (cached on disk), or a
// placeholder SVG when the image cannot be had now. Never an upstream error: a poster grid
// shows something for every cell.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { ImageService } from '../../images/service.ts'
import { CONTENT_TYPES, IMAGE_FILE_PATTERN, IMAGE_SIZES } from '../../images/types.ts'
import { ErrorBody } from '../schemas/common.ts'

const Params = Type.Object({
  size: Type.Unsafe<(typeof IMAGE_SIZES)[number]>({ type: 'string', enum: [...IMAGE_SIZES], description: 'TMDB image size' }),
  file: Type.String({ pattern: IMAGE_FILE_PATTERN, maxLength: 200, description: 'TMDB poster_path or backdrop_path without the leading "/", e.g. pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg' })
})

/** A week, and never revalidated: a TMDB file name names one image forever. */
const CACHED = 'public, max-age=604800, immutable'
/** An image may hold an SVG: opened directly it must not run scripts on our origin. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

export async function imageRoutes (app: FastifyInstance, deps: { images: ImageService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get('/images/:size/:file', {
    schema: {
      description: 'A TMDB image, fetched once and cached on disk (Cache-Control: public, max-age=604800, immutable). ' +
        'When TMDB is not configured, unreachable, slow or answers an error: 200 with a placeholder SVG, ' +
        'Cache-Control: no-cache and X-Image-Placeholder: 1.',
      params: Params,
      response: {
        // keyed by media type: the document says what the body is (not JSON)
        200: { description: 'the image, or the placeholder SVG', content: Object.fromEntries(Object.values(CONTENT_TYPES).map((type) => [type, { schema: Type.String({ format: 'binary' }) }])) },
        400: ErrorBody,
        401: ErrorBody,
        500: ErrorBody
      }
    }
  }, async (req, reply) => {
    const image = await deps.images.get(req.params.size, req.params.file)
    void reply
      .type(image.contentType)
      .header('cache-control', image.placeholder ? 'no-cache' : CACHED)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CSP)
    if (image.placeholder) void reply.header('x-image-placeholder', '1')
    // a Buffer goes out as it is (no serializer); the 200 schema documents it as binary
    return await reply.send(image.data as unknown as string)
  })
}
