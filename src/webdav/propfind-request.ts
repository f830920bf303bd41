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
