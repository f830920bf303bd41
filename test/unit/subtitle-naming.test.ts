import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sidecarNames, type SidecarRequest } from '../../src/subtitles/naming.ts'

type Sub = Omit<SidecarRequest, 'id'> & { id?: number }

interface Case {
  name: string
  video: string
  subs: Sub[]
  /** the names in input order */
  want: string[]
}

const sub = (language: string | null, ext = 'srt', flags: Partial<Pick<SidecarRequest, 'forced' | 'sdh' | 'pair'>> = {}): Sub =>
  ({ language, ext, forced: flags.forced ?? false, sdh: flags.sdh ?? false, ...(flags.pair === undefined ? {} : { pair: flags.pair }) })

const CASES: Case[] = [
  { name: 'one per language', video: 'Fight Club (1999)', subs: [sub('en'), sub('fr'), sub('pt')], want: ['Fight Club (1999).en.srt', 'Fight Club (1999).fr.srt', 'Fight Club (1999).pt.srt'] },
  { name: 'unknown language: no language part', video: 'Fight Club (1999)', subs: [sub(null)], want: ['Fight Club (1999).srt'] },
  {
    name: 'English, English SDH and forced English (Tigole-style Subs/)',
    video: 'Fight Club (1999)',
    subs: [sub('en'), sub('en', 'srt', { sdh: true }), sub('en', 'srt', { forced: true })],
    want: ['Fight Club (1999).en.srt', 'Fight Club (1999).en.sdh.srt', 'Fight Club (1999).en.forced.srt']
  },
  { name: 'sdh and forced together: language, sdh, forced', video: 'Movie (2019)', subs: [sub('en', 'srt', { sdh: true, forced: true })], want: ['Movie (2019).en.sdh.forced.srt'] },
  {
    name: 'several of one language: numbered before the language, lowest id plain',
    video: 'Fight Club (1999)',
    subs: [sub('en'), sub('en'), sub('en'), sub('es')],
    want: ['Fight Club (1999).en.srt', 'Fight Club (1999).2.en.srt', 'Fight Club (1999).3.en.srt', 'Fight Club (1999).es.srt']
  },
  {
    name: 'several forced of one language',
    video: 'Movie (2019)',
    subs: [sub('en', 'srt', { forced: true }), sub('en', 'srt', { forced: true })],
    want: ['Movie (2019).en.forced.srt', 'Movie (2019).2.en.forced.srt']
  },
  {
    name: 'several of unknown language',
    video: 'Movie (2019)',
    subs: [sub(null), sub(null, 'ass'), sub(null)],
    want: ['Movie (2019).srt', 'Movie (2019).ass', 'Movie (2019).2.srt']
  },
  {
    name: 'different formats of one language do not collide',
    video: 'Show (2008) - S01E01 - Pilot',
    subs: [sub('en', 'srt'), sub('en', 'ass'), sub('en', 'vtt')],
    want: ['Show (2008) - S01E01 - Pilot.en.srt', 'Show (2008) - S01E01 - Pilot.en.ass', 'Show (2008) - S01E01 - Pilot.en.vtt']
  },
  {
    name: 'a VobSub pair shares its base; a second pair of the same language too',
    video: 'Movie (2001)',
    subs: [
      { ...sub('en', 'idx', { pair: 2 }), id: 1 },
      { ...sub('en', 'sub', { pair: 1 }), id: 2 },
      { ...sub('en', 'sub'), id: 3 }, // a MicroDVD text .sub of the same language
      { ...sub('en', 'idx', { pair: 5 }), id: 4 },
      { ...sub('en', 'sub', { pair: 4 }), id: 5 }
    ],
    want: ['Movie (2001).en.idx', 'Movie (2001).en.sub', 'Movie (2001).2.en.sub', 'Movie (2001).3.en.idx', 'Movie (2001).3.en.sub']
  },
  {
    name: 'the lowest id keeps the plain name whatever the input order',
    video: 'Movie (2019)',
    subs: [{ ...sub('en'), id: 9 }, { ...sub('en'), id: 3 }],
    want: ['Movie (2019).2.en.srt', 'Movie (2019).en.srt']
  },
  {
    name: 'names collide case-insensitively, as on Finder and Windows clients',
    video: 'Movie (2019)',
    subs: [sub('en', 'SRT'), sub('EN', 'srt')],
    want: ['Movie (2019).en.srt', 'Movie (2019).2.en.srt']
  },
  {
    name: 'an odd language or extension cannot break the name',
    video: 'Movie (2019)',
    subs: [sub('../etc', 'srt'), sub('en', 'sr/t')],
    want: ['Movie (2019).srt', 'Movie (2019).en.txt']
  },
  {
    name: 'the video base is sanitised like every published name',
    video: 'Alien: Romulus (2024)',
    subs: [sub('en')],
    want: ['Alien - Romulus (2024).en.srt']
  },
  { name: 'non-ASCII titles stay', video: 'Amélie (2001)', subs: [sub('fr')], want: ['Amélie (2001).fr.srt'] }
]

for (const c of CASES) {
  test(c.name, () => {
    const subs = c.subs.map((s, i): SidecarRequest => ({ ...s, id: s.id ?? i + 1 }))
    const names = sidecarNames(c.video, subs)
    assert.deepEqual(subs.map((s) => names.get(s.id)), c.want)
    assert.equal(names.size, subs.length)
  })
}

test('names stay under 255 bytes for the longest video base the tree makes', () => {
  const video = 'É'.repeat(150) // 300 bytes: sanitizeName cuts it to 200
  const names = sidecarNames(video, [
    { id: 1, language: 'pt', forced: true, sdh: true, ext: 'srt' },
    { id: 2, language: 'pt', forced: true, sdh: true, ext: 'srt' }
  ])
  for (const name of names.values()) {
    assert.ok(Buffer.byteLength(name, 'utf8') <= 255, name)
    assert.ok(name.startsWith('É'.repeat(100) + '.'), 'the base is the sanitised video base')
  }
  assert.equal(names.get(2)?.endsWith('.2.pt.sdh.forced.srt'), true)
})

test('no subtitles, no names', () => {
  assert.deepEqual(sidecarNames('Movie (2019)', []), new Map())
})
