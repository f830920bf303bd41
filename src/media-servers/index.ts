// Media-server refresh: what the composition root and /api/status use.
export { MediaServerNotifier, mediaServerProblems, type MediaServerDeps } from './notifier.ts'
export { movieFolder, seasonFolder } from './paths.ts'
export {
  MEDIA_SERVER_DEFAULTS,
  type MediaServerOptions,
  type MediaServerSettings,
  type MediaServerStatus,
  type MediaServerType
} from './types.ts'
