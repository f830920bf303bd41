// Shared by the streaming end-to-end tests: torrent content from given bytes, Range GETs over
// /dav, and the streaming figures of GET /api/torrents/:hash.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { apiClient } from './api-client.ts'
import { waitFor } from './wait.ts'

/** Writes `files` under `dir/name/` (a multi-file torrent's folder) and returns that folder. */
export function writeTorrentFolder (dir: string, name: string, files: Array<{ path: string, bytes: Buffer }>): string {
  const root = join(dir, name)
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true })
    writeFileSync(join(root, f.path), f.bytes)
  }
  return root
}

export interface RangeResult { status: number, body: Buffer }

/** One Range GET (bounded by `timeoutMs`); a network error or timeout is status -1. */
export async function range (url: string, spec: string, timeoutMs = 30_000): Promise<RangeResult> {
  try {
    const res = await fetch(url, { headers: { Range: `bytes=${spec}` }, signal: AbortSignal.timeout(timeoutMs) })
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) }
  } catch {
    return { status: -1, body: Buffer.alloc(0) }
  }
}

export interface StreamingFile {
  file_index: number
  reads: number
  p50_ms: number | null
  p99_ms: number | null
  stalls: number
  opens: number
  reopens: number
  layout_probes: number
  open_handles: number
  parked_readers: number
  layout: { format: string, media_offset: number | null, ranges: Array<{ offset: number, length: number, reasons: string[] }> } | null
  index_ready_ms: number | null
  pinned_bytes: number
}

export interface TorrentDetail {
  state: string
  piece_count: number
  pieces_cached: number
  streaming: { files: StreamingFile[], recent_stalls: unknown[], next_episode_warmups: Array<{ assignment_id: number, file_index: number }> }
}

export async function torrentDetail (baseUrl: string, hash: string): Promise<TorrentDetail> {
  const res = await apiClient(baseUrl).get<TorrentDetail>(`/api/torrents/${hash}`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

/** The streaming figures of one file, once `ready` holds for them (bounded wait). */
export async function waitForFile (baseUrl: string, hash: string, fileIndex: number, ready: (f: StreamingFile) => boolean, what: string, ms = 30_000): Promise<StreamingFile> {
  return await waitFor(async () => {
    const f = (await torrentDetail(baseUrl, hash)).streaming.files.find((x) => x.file_index === fileIndex)
    return f !== undefined && ready(f) ? f : undefined
  }, ms, what, 100)
}
