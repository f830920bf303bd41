// Names of the subtitle files published next to a video (issue 12, item 3), in the one form
// Plex, Jellyfin, Kodi and Infuse all read:
//
//   <video base>[.<n>][.<language>][.sdh][.forced].<ext>
//   Fight Club (1999).en.srt, Fight Club (1999).en.forced.srt, Fight Club (1999).en.sdh.srt,
//   Fight Club (1999).srt (language unknown), Fight Club (1999).2.en.srt (a second English one)
//
// Why this order, from each reader's own rules:
// - Plex ("Adding Local Subtitles to Your Media"): <name>.<ISO 639-1 or 639-2/B code>, then the
//   flags `.forced` / `.sdh`; its Local Media agent takes the language from the last dot-part
//   once a trailing flag is peeled off, so the language must come after any other token.
// - Jellyfin (docs "External files", Emby.Naming ExternalPathParser): reads the dot-parts after
//   the video's name from the end; `forced`/`foreign`, `sdh`/`cc`/`hi` and `default` are flags,
//   the last language wins, and any other part becomes the stream's title ("2").
// - Kodi (CUtil::GetExternalStreamDetailsFromFilename): strips the video's name, splits the
//   rest on " .-", takes the first part that is a language, `forced` as a flag, and shows the
//   other parts as the track's name.
// - Infuse reads <name>.<language>[.forced|.sdh].<ext> like Plex.
// So a duplicate's number goes before the language (`.en.2.srt` loses the language in Plex),
// and both halves of a VobSub pair (.sub + .idx) get the same base so every player pairs them.
import { nameKey, sanitizeName } from '../vfs/names.ts'

export interface SidecarRequest {
  /** Stable id; the lowest id of several alike keeps the plain name. */
  id: number
  /** ISO 639-1 (or 639-2) code, null when unknown: then no language part at all. */
  language: string | null
  forced: boolean
  sdh: boolean
  /** Extension without the dot: srt, ass, ssa, vtt, sub, idx. */
  ext: string
  /** The id of the other half of a VobSub pair (.idx for a .sub and the reverse). */
  pair?: number
}

const LANGUAGE = /^[a-z]{2,3}$/
const EXTENSION = /^[a-z0-9]{1,10}$/

/**
 * Names for the subtitles of one video, id -> file name. `videoBase` is the video's published
 * name without its extension; it is sanitised again so the result always keeps to
 * src/vfs/names.ts (at most 200 bytes of base plus a suffix of at most ~25, so under 255).
 */
export function sidecarNames (videoBase: string, subs: readonly SidecarRequest[]): Map<number, string> {
  const base = sanitizeName(videoBase)
  const byId = new Map(subs.map((s) => [s.id, s]))
  const taken = new Set<string>()
  const out = new Map<number, string>()
  for (const sub of [...subs].sort((a, b) => a.id - b.id)) {
    if (out.has(sub.id)) continue
    const partner = sub.pair === undefined ? undefined : byId.get(sub.pair)
    const unit = partner === undefined || partner.id === sub.id || out.has(partner.id) ? [sub] : [sub, partner]
    const tags = tagsOf(sub)
    for (let n = 1; ; n++) {
      const stem = [base, ...(n === 1 ? [] : [String(n)]), ...tags].join('.')
      const names = unit.map((s) => `${stem}.${extOf(s)}`)
      if (names.some((name) => taken.has(nameKey(name)))) continue
      unit.forEach((s, i) => {
        const name = names[i] ?? ''
        taken.add(nameKey(name))
        out.set(s.id, name)
      })
      break
    }
  }
  return out
}

/** Language, then sdh, then forced: the order of Plex's and Jellyfin's own examples. */
function tagsOf (sub: SidecarRequest): string[] {
  const language = sub.language?.toLowerCase() ?? ''
  return [
    ...(LANGUAGE.test(language) ? [language] : []),
    ...(sub.sdh ? ['sdh'] : []),
    ...(sub.forced ? ['forced'] : [])
  ]
}

/** The extension as given when it is a plain one (extensionOf's rule); `txt` keeps an odd one from breaking the name. */
function extOf (sub: SidecarRequest): string {
  const ext = sub.ext.toLowerCase()
  return EXTENSION.test(ext) ? ext : 'txt'
}
