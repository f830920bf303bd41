// What the browser shows when an image cannot be had (TMDB not configured, unreachable, slow
// or answering an error): a neutral poster shape, so a grid keeps its layout and no request
// fails. It scales to any box (posters and backdrops alike).
import type { ImageAnswer } from './types.ts'

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 300" preserveAspectRatio="xMidYMid slice">
<rect width="200" height="300" fill="#2a2f36"/>
<rect x="70" y="115" width="60" height="44" rx="4" fill="none" stroke="#5c6672" stroke-width="5"/>
<circle cx="88" cy="131" r="6" fill="#5c6672"/>
<path d="M74 156 L96 138 L108 148 L116 142 L128 156 Z" fill="#5c6672"/>
</svg>
`

const DATA = Buffer.from(SVG, 'utf8')

export function placeholder (): ImageAnswer {
  return { data: DATA, contentType: 'image/svg+xml', placeholder: true }
}
