import { pino, type Logger } from 'pino'

export type { Logger }

/** One logger for the process; components take `logger.child({ component })`. */
export function createLogger (level: string): Logger {
  return pino({ level, base: { app: 'momoshtrem' } })
}
