// The one mapping from an error to an HTTP answer, for /api, /dav and everything else alike
// (src/http/errors.ts renders it: JSON {"error": {"code", "message", "details"?}}, a line of
// text under /dav). Domain errors carry messages written for users (including 502-504 ones
// such as "TMDB rejected the API key"), so they are shown; anything else unexpected is a 500
// with a generic message, its detail only in the log.
import type { FastifyError } from 'fastify'
import { isDomainError } from '../errors.ts'
import type { Logger } from '../logger.ts'

export interface ErrorPayload { error: { code: string, message: string, details?: Record<string, unknown> } }

/** Codes for Fastify's and Node's own 4xx errors (bad JSON, wrong content type, body too large, ...). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_input',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  421: 'misdirected_request',
  431: 'headers_too_large'
}

/** The error code of a 4xx status without a domain error behind it. */
export function codeForStatus (status: number): string {
  return CODE_BY_STATUS[status] ?? 'bad_request'
}

export function payload (code: string, message: string, details?: Record<string, unknown>): ErrorPayload {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

interface ValidationIssue { keyword?: string, instancePath?: string, message?: string, params?: Record<string, unknown> }

/**
 * One readable line from the validator's issues: "body/year must be >= 1800 or null",
 * 'body: unknown field "extra"'. Union branches are folded into one "or" per field.
 */
export function validationMessage (context: string, issues: ValidationIssue[]): string {
  const byPath = new Map<string, string[]>()
  for (const v of issues) {
    if (v.keyword === 'boolean' || v.keyword === 'anyOf') continue // restated by the others
    const path = `${context}${v.instancePath ?? ''}`
    let text: string
    if (v.keyword === 'additionalProperties') {
      const names = (v.params?.additionalProperties as string[] | undefined) ?? []
      text = `has unknown field${names.length === 1 ? '' : 's'} ${names.map((n) => `"${n}"`).join(', ')}`
    } else if (v.keyword === 'const') {
      text = `must be ${JSON.stringify(v.params?.allowedValue)}`
    } else {
      text = v.message ?? 'is invalid'
    }
    const list = byPath.get(path) ?? []
    if (!list.includes(text)) list.push(text)
    byPath.set(path, list)
  }
  const lines = [...byPath].map(([path, texts]) => {
    const alternatives = texts.every((x) => x.startsWith('must be ')) && texts.length > 1
      ? 'must be ' + texts.map((x) => x.slice('must be '.length)).join(' or ')
      : texts.join(' or ')
    return `${path} ${alternatives}`
  })
  return lines.length > 0 ? lines.join('; ') : `${context} is invalid`
}

export function toErrorAnswer (err: FastifyError | Error, reqId: string, log: Logger): { status: number, body: ErrorPayload } {
  if (isDomainError(err)) {
    if (err.status >= 500) log.warn({ err, reqId }, 'request failed')
    return { status: err.status, body: payload(err.code, err.message, err.details) }
  }
  const fe = err as FastifyError
  if (fe.validation !== undefined) {
    return { status: 400, body: payload('invalid_input', validationMessage(fe.validationContext ?? 'request', fe.validation as ValidationIssue[])) }
  }
  const status = fe.statusCode ?? 500
  // Fastify says only "Unsupported Media Type"; say what is accepted
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status, body: payload(codeForStatus(status), 'unsupported content type: bodies here are application/json') }
  }
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (invalid JSON body, 415, 413) have messages fit for users
    return { status, body: payload(codeForStatus(status), err.message) }
  }
  log.error({ err, reqId }, 'unexpected error')
  return { status: 500, body: payload('internal', `internal error (request ${reqId}); the server log has the details`) }
}
