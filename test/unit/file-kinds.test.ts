import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileKinds } from '../../src/assignments/file-kinds.ts'

const MB = 1_000_000
const files = (list: Array<[string, number]>): Array<{ index: number, path: string, length: number, offset: number }> =>
  list.map(([path, length], index) => ({ index, path, length, offset: 0 }))

test('fileKinds: features, samples by name, folder and size, trailers and extras, subtitles, the rest', () => {
  const kinds = fileKinds(files([
    ['Show.S01/Show.S01E01.1080p.mkv', 1500 * MB],
    ['Show.S01/Show.S01E02.1080p.MKV', 1400 * MB],
    ['Show.S01/Show.S01E01.sample.mkv', 30 * MB],
    ['Show.S01/Samples/clip.mkv', 20 * MB],
    ['Show.S01/cut.mkv', 40 * MB],
    ['Show.S01/Featurettes/Making.Of.mkv', 300 * MB],
    ['Show.S01/Show.S01E03.The.Interview.mkv', 1300 * MB],
    ['Show.S01/Subs/Show.S01E01.eng.srt', 50_000],
    ['Show.S01/Subs/Show.S01E01.idx', 9000],
    ['Show.S01/Subs/Show.S01E01.sub', 900_000],
    ['Show.S01/Show.nfo', 2000],
    ['Show.S01/poster.jpg', 200_000],
    ['Show.S01/README', 100]
  ]))
  assert.deepEqual(kinds, ['video', 'video', 'sample', 'sample', 'sample', 'sample', 'video', 'subtitle', 'subtitle', 'subtitle', 'other', 'other', 'other'])
  assert.deepEqual(fileKinds(files([['Movie.2001.iso', 8000 * MB]])), ['video'], 'a lone video is the feature whatever its size')
  assert.deepEqual(fileKinds([]), [])
})
