// The web UI at '/': a single static page that talks to the REST API.
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'

const page = readFileSync(new URL('./index.html', import.meta.url))

export async function registerWebUi (app: FastifyInstance): Promise<void> {
  app.get('/', async (_req, reply) => await reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(page))
}
