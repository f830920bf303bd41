// STUB — replaced by the WebDAV handler (issue 2).
import type { FastifyInstance } from 'fastify'
import type { Vfs } from '../vfs/types.ts'
import type { Logger } from '../logger.ts'

export async function registerWebdav (_app: FastifyInstance, _deps: { vfs: Vfs, logger: Logger, prefix: string }): Promise<void> {}
