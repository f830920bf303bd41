import { pino, type Logger } from 'pino'

export type { Logger }

/** One logger for the process; components take `logger.child({ component })`, their parts `child({ part })` (pino would repeat a key bound twice). */
export function createLogger (level: string): Logger {
  return pino({ level, base: { app: 'momoshtrem' } })
}
