// Small building blocks shared by the pages.
import { Fragment, type ComponentChildren, type JSX } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { type ApiError, imageUrl } from './api.ts'
import { bytes } from './format.ts'
import type { FileKind } from './types.ts'

/** An API error in words: its message, status and code, and the files or candidates it lists. */
export function ErrorBox ({ error, title, onDismiss }: { error: ApiError | undefined, title?: string, onDismiss?: () => void }): JSX.Element | null {
  if (error === undefined) return null
  const details = error.details
  const files = details !== undefined ? (details.candidates ?? details.files) : undefined
  const extra = details === undefined
    ? []
    : Object.entries(details).filter(([k, v]) => k !== 'candidates' && k !== 'files' && (typeof v === 'string' || typeof v === 'number'))
  return (
    <div class="error" role="alert">
      <p>
        <strong>{title ?? 'Error'}: </strong>{error.message}
        <span class="muted"> ({error.status === 0 ? 'no answer' : `HTTP ${error.status}`}, {error.code})</span>
      </p>
      {error.retryAfter !== undefined && !/try again|retry/i.test(error.message) && <p>Try again in {waitWords(error.retryAfter)}.</p>}
      {extra.length > 0 && <p class="muted">{extra.map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}</p>}
      {Array.isArray(files) && files.length > 0 && (
        <details>
          <summary>{files.length} file{files.length === 1 ? '' : 's'} in the torrent</summary>
          <ul class="plain">{(files as Array<{ path?: string, size?: number }>).slice(0, 50).map((f, i) => <li key={i}><code>{f.path ?? String(f)}</code>{f.size !== undefined && <span class="muted"> {bytes(f.size)}</span>}</li>)}</ul>
        </details>
      )}
      {onDismiss !== undefined && <button type="button" class="link" onClick={onDismiss}>Dismiss</button>}
    </div>
  )
}

/** 30 s, 5 min, 2 h 10 min */
function waitWords (seconds: number): string {
  if (seconds < 90) return `${seconds} s`
  const m = Math.round(seconds / 60)
  return m < 90 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 === 0 ? '' : ` ${m % 60} min`}`
}

export function Loading ({ label = 'Loading' }: { label?: string }): JSX.Element {
  return <p class="loading" role="status"><span class="spinner" aria-hidden="true" />{label}…</p>
}

/** A poster through the server's image proxy, or a placeholder with the title's initials. */
export function Poster ({ path, title, size = 'w342', class: cls = 'poster' }: { path: string | null | undefined, title: string, size?: string, class?: string }): JSX.Element {
  const [failed, setFailed] = useState(false)
  const src = imageUrl(size, path)
  useEffect(() => { setFailed(false) }, [src])
  if (src === null || failed) {
    const initials = title.split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w)).slice(0, 2).map((w) => w[0]).join('').toUpperCase()
    return <div class={`${cls} placeholder`} aria-hidden="true"><span>{initials === '' ? '?' : initials}</span></div>
  }
  return <img class={cls} src={src} alt="" loading="lazy" decoding="async" onError={() => { setFailed(true) }} />
}

export function Badge ({ kind = 'neutral', children, title }: { kind?: 'good' | 'warn' | 'bad' | 'info' | 'neutral', children: ComponentChildren, title?: string }): JSX.Element {
  return <span class={`badge ${kind}`} title={title}>{children}</span>
}

const KIND_BADGE: Record<FileKind, 'good' | 'info' | 'warn' | 'neutral'> = { video: 'good', subtitle: 'info', sample: 'warn', other: 'neutral' }
export function KindBadge ({ kind }: { kind: FileKind | undefined }): JSX.Element | null {
  if (kind === undefined) return null
  return <Badge kind={KIND_BADGE[kind]}>{kind}</Badge>
}

/** A button that asks first, in a modal dialog (focus kept inside, Escape cancels). */
export function ConfirmButton ({ label, question, confirmLabel, onConfirm, busy, danger = true, children }: {
  label: string
  question: string
  confirmLabel?: string
  onConfirm: () => void
  busy?: boolean
  danger?: boolean
  children?: ComponentChildren
}): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null)
  return (
    <>
      <button type="button" class={danger ? 'danger' : ''} disabled={busy} onClick={() => ref.current?.showModal()}>{busy === true ? `${label}…` : label}</button>
      <dialog ref={ref} class="confirm" aria-label={label}>
        <form method="dialog" onSubmit={(e) => {
          const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null
          if (submitter?.value === 'yes') onConfirm()
        }}>
          <h2 class="dialog-title">{label}?</h2>
          <p>{question}</p>
          {children}
          <div class="row end">
            <button type="submit" value="no" autofocus>Cancel</button>
            <button type="submit" value="yes" class={danger ? 'danger' : 'primary'}>{confirmLabel ?? label}</button>
          </div>
        </form>
      </dialog>
    </>
  )
}

export function CopyButton ({ text, label = 'Copy' }: { text: string, label?: string }): JSX.Element {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text)
      setState('copied')
    } catch {
      setState('failed')
    }
  }
  return (
    <>
      <button type="button" onClick={() => { void copy() }}>{label}</button>
      <span role="status" class="muted">{state === 'copied' ? ' Copied.' : state === 'failed' ? ' Copying was refused: select the address and copy it.' : ''}</span>
    </>
  )
}

export function Progress ({ value, label }: { value: number, label: string }): JSX.Element {
  return <progress class="bar" max={1} value={Math.max(0, Math.min(1, value))} aria-label={label} />
}

// ---- the announcer: one polite live region for "added", "assigned", "deleted" ----
type Listener = (text: string) => void
const listeners = new Set<Listener>()
export function announce (text: string): void { for (const l of listeners) l(text) }

export function Announcer (): JSX.Element {
  const [text, setText] = useState('')
  useEffect(() => {
    let timer = 0
    const l: Listener = (t) => { setText(t); window.clearTimeout(timer); timer = window.setTimeout(() => { setText('') }, 6000) }
    listeners.add(l)
    return () => { listeners.delete(l); window.clearTimeout(timer) }
  }, [])
  return <div class={text === '' ? 'toast hidden' : 'toast'} role="status" aria-live="polite">{text}</div>
}

/**
 * A release or file name that wraps at its dots, dashes, underscores and slashes (<wbr>)
 * rather than mid-word: "Dark.S01.1080p.NF.WEB-DL" on a phone.
 */
export function Breakable ({ text }: { text: string }): JSX.Element {
  const parts = text.split(/(?<=[./_-])/)
  return <>{parts.map((p, i) => <Fragment key={i}>{i > 0 && <wbr />}{p}</Fragment>)}</>
}

export function Empty ({ children }: { children: ComponentChildren }): JSX.Element {
  return <div class="empty">{children}</div>
}
