// Language codes between momoshtrem (ISO 639-1, optionally with a region: "en", "pt-BR") and
// OpenSubtitles, whose codes are ISO 639-1 except for a few variants and languages without one
// (its /infos/languages table: "pt-pt", "pt-br", "zh-cn", "zh-tw", "ze" Chinese bilingual,
// "ea" Spanish (Latin America), "me" Montenegrin, "at" Asturian, "ma" Manipuri, "sy" Syriac, ...).

/** A bare language OpenSubtitles only knows by its variants: asking for "pt" asks for both. */
const VARIANTS: Record<string, string[]> = {
  pt: ['pt-br', 'pt-pt'],
  zh: ['zh-cn', 'zh-tw']
}

/** OpenSubtitles codes that are not ISO 639-1 but belong to an ISO 639-1 language. */
const ALIASES: Record<string, { language: string, tag: string }> = {
  pb: { language: 'pt', tag: 'pt-BR' }, // the legacy code for Brazilian Portuguese
  ea: { language: 'es', tag: 'es-419' },
  ze: { language: 'zh', tag: 'zh' }
}

/** Region subtags OpenSubtitles keeps (for every other language it ignores the region). */
const KEPT_REGIONS = new Set(['pt-br', 'pt-pt', 'zh-cn', 'zh-tw'])

/**
 * The `languages` query value: OpenSubtitles codes, lower case, de-duplicated, sorted and comma
 * separated ("en,pt-br,pt-pt"), the one form the API answers without a redirect.
 * "en-US" is sent as "en" (OpenSubtitles has no regional English); empty input -> undefined (all).
 */
export function toQueryLanguages (wanted: readonly string[]): string | undefined {
  const codes = new Set<string>()
  for (const raw of wanted) {
    const lang = raw.trim().toLowerCase().replace('_', '-')
    if (lang === '') continue
    const variants = VARIANTS[lang]
    if (variants !== undefined) { for (const v of variants) codes.add(v); continue }
    if (KEPT_REGIONS.has(lang)) { codes.add(lang); continue }
    codes.add(lang.split('-')[0] ?? lang)
  }
  return codes.size === 0 ? undefined : [...codes].sort().join(',')
}

/** An OpenSubtitles language code from a result -> ISO 639-1 `language` and a display `tag`. */
export function fromApiLanguage (code: string | null | undefined): { language: string, tag: string } {
  const lower = (code ?? '').trim().toLowerCase()
  const alias = ALIASES[lower]
  if (alias !== undefined) return alias
  const [base = '', region] = lower.split('-')
  return { language: base, tag: region === undefined ? base : `${base}-${region.toUpperCase()}` }
}

/** Whether a candidate in `language`/`tag` is in the wanted language: "pt" takes any Portuguese, "pt-BR" only Brazilian. */
export function languageMatches (wanted: string, candidate: { language: string, languageTag: string }): boolean {
  const w = wanted.trim().toLowerCase().replace('_', '-')
  if (!w.includes('-')) return candidate.language === w
  if (KEPT_REGIONS.has(w)) return candidate.languageTag.toLowerCase() === w
  // "en-US": OpenSubtitles has no such variant, any English will do
  return candidate.language === w.split('-')[0]
}
