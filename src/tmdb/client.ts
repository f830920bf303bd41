// STUB — replaced by the TMDB client (issue 2).
import type { Config } from '../config/schema.ts'
import type { Logger } from '../logger.ts'

export class TmdbClient {
  readonly configured: boolean
  constructor (cfg: Readonly<Config['tmdb']>, _log: Logger, _fetch?: typeof fetch) {
    this.configured = cfg.api_key !== '' || cfg.bearer_token !== ''
  }
}
