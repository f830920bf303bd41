// The process metrics every Node dashboard expects (process_cpu_seconds_total,
// process_resident_memory_bytes, nodejs_heap_size_used_bytes, nodejs_eventloop_lag_*,
// nodejs_gc_duration_seconds, nodejs_active_handles, ...): prom-client's collectDefaultMetrics
// on the app's own Registry, so that apps sharing a process (tests) do not share series.
//
// Most of them are read when scraped. Two run in the background: an event-loop-delay histogram
// (perf_hooks monitorEventLoopDelay, a libuv timer every 10 ms) and a PerformanceObserver of GC
// entries. Neither keeps the process alive, but prom-client hands neither back, so each app ever
// created would keep both running after its close(). They are therefore caught while
// collectDefaultMetrics creates them (it does so synchronously, and the originals are put back
// before it returns) and stopped by close().
import perfHooks from 'node:perf_hooks'
import { collectDefaultMetrics, type Registry } from 'prom-client'

export interface ProcessMetrics {
  /** Stops the event-loop and GC monitors; the metrics stay registered. Safe to call twice. */
  close (): void
}

type Hooks = { -readonly [K in keyof typeof perfHooks]: (typeof perfHooks)[K] }
const hooks = perfHooks as Hooks

let live = 0
/** Background monitors started by collectProcessMetrics and not stopped yet, over all apps. */
export const liveMonitors = (): number => live

export function collectProcessMetrics (register: Registry): ProcessMetrics {
  const stops: Array<() => void> = []
  const { monitorEventLoopDelay, PerformanceObserver } = hooks
  hooks.monitorEventLoopDelay = (options) => {
    const histogram = monitorEventLoopDelay(options)
    stops.push(() => { histogram.disable() })
    return histogram
  }
  hooks.PerformanceObserver = class extends PerformanceObserver {
    constructor (callback: ConstructorParameters<typeof PerformanceObserver>[0]) {
      super(callback)
      stops.push(() => { this.disconnect() })
    }
  }
  try {
    collectDefaultMetrics({ register })
  } finally {
    hooks.monitorEventLoopDelay = monitorEventLoopDelay
    hooks.PerformanceObserver = PerformanceObserver
  }
  live += stops.length
  let closed = false
  return {
    close () {
      if (closed) return
      closed = true
      for (const stop of stops) stop()
      live -= stops.length
    }
  }
}
