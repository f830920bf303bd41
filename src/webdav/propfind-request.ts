// Parses a PROPFIND body namespace-aware (RFC 4918 section 14.20): `DAV:` may be the default
// namespace or bound to any prefix. A DOCTYPE is refused outright so no entity declaration
// is ever read, let alone expanded (billion laughs, external entities).
import { SaxesParser, type SaxesTagNS } from 'saxes'
import { InvalidInputError } from '../errors.ts'

export const DAV_NS = 'DAV:'

export interface PropName {
  /** namespace URI ('' when none) */
  ns: string
  local: string
}

/**
 * Bounds on a PROPFIND body (issue 10). Real clients send a few hundred bytes, a couple of
 * levels and at most some 25 elements (the Windows redirector, webdav.md); each bound is far
 * above that and far below what costs time: saxes resolves every prefix by walking up the
 * open elements, so parse time grows with depth times elements, and each requested prop is
 * echoed once per listed entry.
 */
export const PROPFIND_LIMITS = {
  /** bytes of body; more is refused (413) while it streams in, by the route's bodyLimit */
  bodyBytes: 64 * 1024,
  /** open elements at once, the root included */
  depth: 16,
  /** elements in the whole body */
  elements: 500,
  /** attributes (namespace declarations included) on one element */
  attributes: 32,
  /** characters of an element or attribute name, prefix included */
  nameLength: 256,
  /** characters of an attribute value (a namespace URI) */
  valueLength: 1024
} as const

export type PropfindRequest =
  | { type: 'allprop' }
  | { type: 'propname' }
  | { type: 'prop', props: PropName[] }

/** Empty body, allprop, propname or prop; InvalidInputError (400) for anything malformed. */
export function parsePropfind (body: string | undefined): PropfindRequest {
  const text = (body ?? '').replace(/^\uFEFF/, '')
  if (text.trim() === '') return { type: 'allprop' }

  const parser = new SaxesParser({ xmlns: true })
  const stack: SaxesTagNS[] = []
  let rootSeen = false
  let mode: 'allprop' | 'propname' | 'prop' | undefined
  const props: PropName[] = []

  parser.on('doctype', () => { throw new InvalidInputError('DOCTYPE is not allowed in a PROPFIND body') })
  guardBounds(parser, () => stack.length)
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1]
    if (parent === undefined) {
      if (rootSeen || tag.uri !== DAV_NS || tag.local !== 'propfind') throw new InvalidInputError('PROPFIND body must be a DAV:propfind element')
      rootSeen = true
    } else if (stack.length === 1 && tag.uri === DAV_NS) {
      // allprop may come with <include>; the first of allprop/propname/prop decides
      if (tag.local === 'allprop' || tag.local === 'propname' || tag.local === 'prop') mode ??= tag.local
    } else if (stack.length === 2 && parent.uri === DAV_NS && parent.local === 'prop' && mode === 'prop') {
      props.push({ ns: tag.uri ?? '', local: tag.local ?? tag.name })
    }
    stack.push(tag)
  })
  parser.on('closetag', () => { stack.pop() })

  try {
    parser.write(text).close()
  } catch (err) {
    if (err instanceof InvalidInputError) throw err
    throw new InvalidInputError(`malformed XML: ${(err as Error).message}`)
  }
  if (!rootSeen) throw new InvalidInputError('PROPFIND body has no root element')
  if (mode === 'propname') return { type: 'propname' }
  if (mode === 'prop') return { type: 'prop', props }
  return { type: 'allprop' }
}

/**
 * Refuses a body past PROPFIND_LIMITS as soon as the offending part is read: depth and
 * element count when a tag starts (before saxes resolves its prefixes), attributes as each
 * one is read. Throwing from a handler stops saxes at once.
 */
function guardBounds (parser: SaxesParser<{ xmlns: true }>, openElements: () => number): void {
  const L = PROPFIND_LIMITS
  let elements = 0
  let attributes = 0
  // saxes keeps one handler per event: the caller's opentag/closetag keep the open elements
  parser.on('opentagstart', (tag) => {
    elements++
    attributes = 0
    if (openElements() + 1 > L.depth) throw new InvalidInputError(`PROPFIND body nested deeper than ${L.depth} elements`)
    if (elements > L.elements) throw new InvalidInputError(`PROPFIND body has more than ${L.elements} elements`)
    if (tag.name.length > L.nameLength) throw new InvalidInputError(`PROPFIND body has an element name longer than ${L.nameLength} characters`)
  })
  parser.on('attribute', (attr) => {
    if (++attributes > L.attributes) throw new InvalidInputError(`PROPFIND body has an element with more than ${L.attributes} attributes`)
    if (attr.name.length > L.nameLength) throw new InvalidInputError(`PROPFIND body has an attribute name longer than ${L.nameLength} characters`)
    if (attr.value.length > L.valueLength) throw new InvalidInputError(`PROPFIND body has an attribute value longer than ${L.valueLength} characters`)
  })
}
