// A small, bounded element tree from XML, namespace-aware, on saxes. Entities: saxes knows only
// the five predefined ones and character references; it never reads a DOCTYPE's declarations,
// so a reference to a declared entity (billion laughs, external entities) is an "undefined
// entity" error, never an expansion. Bodies reach this already bounded in bytes (http.ts); the
// element and depth bounds keep a hostile but small body from building a huge tree.
import { SaxesParser, type SaxesTagNS } from 'saxes'

export const TORZNAB_NS = 'http://torznab.com/schemas/2015/feed'
export const NEWZNAB_NS = 'http://www.newznab.com/DTD/2010/feeds/attributes/'

export interface XmlElement {
  /** namespace URI, '' when none */
  uri: string
  local: string
  /** attributes without a namespace, by name */
  attrs: Record<string, string>
  children: XmlElement[]
  /** the element's own text and CDATA, concatenated (not its children's) */
  text: string
}

export class XmlError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'XmlError'
  }
}

const LIMITS = { depth: 32, elements: 250_000 }

// Some indexers write torznab:attr without declaring the prefix; the prefix then means what
// every Torznab feed binds it to. A declared prefix always wins (saxes asks only for unbound ones).
const KNOWN_PREFIXES: Record<string, string> = { torznab: TORZNAB_NS, newznab: NEWZNAB_NS }

function element (tag: SaxesTagNS): XmlElement {
  const attrs: Record<string, string> = {}
  for (const attr of Object.values(tag.attributes)) {
    if (attr.uri === '' && attr.prefix === '') attrs[attr.local] = attr.value
  }
  return { uri: tag.uri, local: tag.local, attrs, children: [], text: '' }
}

/** The root element; XmlError for anything not well-formed or over the bounds. */
export function parseXml (text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true, resolvePrefix: (prefix: string) => KNOWN_PREFIXES[prefix] })
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let elements = 0

  parser.on('opentag', (tag) => {
    if (++elements > LIMITS.elements) throw new XmlError(`more than ${LIMITS.elements} elements`)
    if (stack.length >= LIMITS.depth) throw new XmlError(`nested deeper than ${LIMITS.depth} elements`)
    const el = element(tag)
    const parent = stack[stack.length - 1]
    if (parent === undefined) root = el
    else parent.children.push(el)
    stack.push(el)
  })
  parser.on('closetag', () => { stack.pop() })
  const addText = (t: string): void => {
    const current = stack[stack.length - 1]
    if (current !== undefined) current.text += t
  }
  parser.on('text', addText)
  parser.on('cdata', addText)

  try {
    parser.write(text.replace(/^\uFEFF/, '')).close()
  } catch (err) {
    if (err instanceof XmlError) throw err
    throw new XmlError((err as Error).message)
  }
  if (root === undefined) throw new XmlError('no root element')
  return root
}

/** Direct children named `local` (in namespace `uri`, '' = none). */
export function childrenNamed (el: XmlElement, local: string, uri = ''): XmlElement[] {
  return el.children.filter((c) => c.local === local && c.uri === uri)
}

/** The trimmed text of the first direct child named `local`, or null. */
export function childText (el: XmlElement, local: string): string | null {
  const c = childrenNamed(el, local)[0]
  if (c === undefined) return null
  const t = c.text.trim()
  return t === '' ? null : t
}
