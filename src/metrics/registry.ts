// A tiny Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format 0.0.4. No dependency; enough for /metrics and the benchmark.

export type LabelValues = Record<string, string | number>

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** Prometheus client default buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export interface MetricOptions {
  name: string
  help: string
  labelNames?: readonly string[]
}

/** Go's float formatting as Prometheus reads it: +Inf, -Inf, NaN, plain numbers otherwise. */
export function formatValue (v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
const escapeLabel = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

function labelText (names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i]!)}"`)
  if (extra !== undefined) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

abstract class Metric<V> {
  readonly name: string
  readonly help: string
  readonly labelNames: readonly string[]
  abstract readonly type: 'counter' | 'gauge' | 'histogram'
  /** key (label values as JSON) -> [label values, series value], in creation order */
  protected readonly series = new Map<string, [string[], V]>()

  constructor (opts: MetricOptions, reserved: readonly string[] = []) {
    if (!METRIC_NAME.test(opts.name)) throw new RangeError(`bad metric name: ${opts.name}`)
    const names = opts.labelNames ?? []
    for (const l of names) {
      if (!LABEL_NAME.test(l) || l.startsWith('__') || reserved.includes(l)) throw new RangeError(`bad label name for ${opts.name}: ${l}`)
    }
    if (new Set(names).size !== names.length) throw new RangeError(`duplicate label names for ${opts.name}`)
    this.name = opts.name
    this.help = opts.help
    this.labelNames = [...names]
  }

  /** Label values in declared order; every declared label must be given, and no other. */
  protected values (labels: LabelValues | undefined): string[] {
    const given = labels ?? {}
    const keys = Object.keys(given)
    if (keys.length !== this.labelNames.length || !keys.every((k) => this.labelNames.includes(k))) {
      throw new RangeError(`${this.name} takes labels [${this.labelNames.join(', ')}], got [${keys.join(', ')}]`)
    }
    return this.labelNames.map((n) => String(given[n]))
  }

  protected entry (labels: LabelValues | undefined, init: () => V): [string[], V] {
    const values = this.values(labels)
    const key = JSON.stringify(values)
    let e = this.series.get(key)
    if (e === undefined) {
      e = [values, init()]
      this.series.set(key, e)
    }
    return e
  }

  /** Drops one labelled series (a removed torrent). */
  remove (labels?: LabelValues): void { this.series.delete(JSON.stringify(this.values(labels))) }

  reset (): void { this.series.clear() }

  /** Refreshes values before rendering (gauges that mirror other state). */
  collect (): void {}

  render (): string {
    this.collect()
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`]
    this.renderSeries(lines)
    return lines.join('\n') + '\n'
  }

  protected abstract renderSeries (lines: string[]): void
}

/** Splits the (value) / (labels, value) call forms. */
function args (a: LabelValues | number | undefined, b: number | undefined, dflt: number | undefined): [LabelValues | undefined, number] {
  if (typeof a === 'number') return [undefined, a]
  const v = b ?? dflt
  if (v === undefined) throw new RangeError('a value is required')
  return [a, v]
}

/** `Self`: the concrete metric, handed to its `collect` option before each render. */
abstract class Scalar<Self> extends Metric<{ v: number }> {
  private readonly collector: ((m: Self) => void) | undefined

  constructor (opts: MetricOptions & { collect?: (m: Self) => void }) {
    super(opts)
    this.collector = opts.collect
  }

  // a Scalar<Self> is always the Self that extends it (Counter extends Scalar<Counter>)
  override collect (): void { this.collector?.(this as unknown as Self) }

  protected override renderSeries (lines: string[]): void {
    // An unlabelled metric always has its one series, 0 until touched (client convention).
    if (this.labelNames.length === 0 && this.series.size === 0) this.entry(undefined, () => ({ v: 0 }))
    for (const [values, s] of this.series.values()) lines.push(`${this.name}${labelText(this.labelNames, values)} ${formatValue(s.v)}`)
  }

  /** Current value of a series (0 when never touched). */
  get (labels?: LabelValues): number {
    return this.series.get(JSON.stringify(this.values(labels)))?.[1].v ?? 0
  }
}

export class Counter extends Scalar<Counter> {
  readonly type = 'counter' as const

  inc (value?: number): void
  inc (labels: LabelValues, value?: number): void
  inc (a?: LabelValues | number, b?: number): void {
    const [labels, v] = args(a, b, 1)
    if (!(v >= 0)) throw new RangeError(`${this.name}: counters only go up (got ${v})`)
    this.entry(labels, () => ({ v: 0 }))[1].v += v
  }
}

export class Gauge extends Scalar<Gauge> {
  readonly type = 'gauge' as const

  set (value: number): void
  set (labels: LabelValues, value: number): void
  set (a: LabelValues | number, b?: number): void {
    const [labels, v] = args(a, b, undefined)
    this.entry(labels, () => ({ v: 0 }))[1].v = v
  }

  inc (value?: number): void
  inc (labels: LabelValues, value?: number): void
  inc (a?: LabelValues | number, b?: number): void {
    const [labels, v] = args(a, b, 1)
    this.entry(labels, () => ({ v: 0 }))[1].v += v
  }

  dec (value?: number): void
  dec (labels: LabelValues, value?: number): void
  dec (a?: LabelValues | number, b?: number): void {
    const [labels, v] = args(a, b, 1)
    this.entry(labels, () => ({ v: 0 }))[1].v -= v
  }
}

interface HistogramSeries { counts: number[], sum: number, count: number }

export class Histogram extends Metric<HistogramSeries> {
  readonly type = 'histogram' as const
  readonly buckets: readonly number[]

  constructor (opts: MetricOptions & { buckets?: readonly number[] }) {
    super(opts, ['le'])
    const b = [...(opts.buckets ?? DEFAULT_BUCKETS)].filter((x) => x !== Infinity)
    if (b.some((x, i) => !Number.isFinite(x) || (i > 0 && x <= b[i - 1]!))) throw new RangeError(`${opts.name}: buckets must be finite and strictly increasing`)
    this.buckets = b
  }

  observe (value: number): void
  observe (labels: LabelValues, value: number): void
  observe (a: LabelValues | number, b?: number): void {
    const [labels, v] = args(a, b, undefined)
    if (Number.isNaN(v)) return // a NaN would poison the sum forever
    const s = this.entry(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }))[1]
    const i = this.buckets.findIndex((le) => v <= le)
    if (i >= 0) s.counts[i]!++
    s.sum += v
    s.count++
  }

  /** count and sum of a series (zeros when never observed) */
  get (labels?: LabelValues): { count: number, sum: number } {
    const s = this.series.get(JSON.stringify(this.values(labels)))?.[1]
    return { count: s?.count ?? 0, sum: s?.sum ?? 0 }
  }

  protected override renderSeries (lines: string[]): void {
    for (const [values, s] of this.series.values()) {
      let cumulative = 0
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i]!
        lines.push(`${this.name}_bucket${labelText(this.labelNames, values, ['le', formatValue(le)])} ${cumulative}`)
      })
      lines.push(`${this.name}_bucket${labelText(this.labelNames, values, ['le', '+Inf'])} ${s.count}`)
      lines.push(`${this.name}_sum${labelText(this.labelNames, values)} ${formatValue(s.sum)}`)
      lines.push(`${this.name}_count${labelText(this.labelNames, values)} ${s.count}`)
    }
  }
}

interface Renderable { readonly name: string, render: () => string }

export class Registry {
  private readonly metrics = new Map<string, Renderable>()

  /** `collect` runs before each render, for totals counted elsewhere (bytes a torrent moved). */
  counter (opts: MetricOptions & { collect?: (c: Counter) => void }): Counter { return this.add(new Counter(opts)) }
  /** `collect` runs before each render, to mirror state held elsewhere (cache bytes, peers). */
  gauge (opts: MetricOptions & { collect?: (g: Gauge) => void }): Gauge { return this.add(new Gauge(opts)) }
  histogram (opts: MetricOptions & { buckets?: readonly number[] }): Histogram { return this.add(new Histogram(opts)) }

  /** Every metric in registration order, in the text exposition format 0.0.4. */
  render (): string {
    return [...this.metrics.values()].map((m) => m.render()).join('')
  }

  private add<M extends Renderable> (m: M): M {
    if (this.metrics.has(m.name)) throw new RangeError(`metric already registered: ${m.name}`)
    this.metrics.set(m.name, m)
    return m
  }
}

/** The Content-Type of render()'s output. */
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'
