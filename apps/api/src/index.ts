export {
  API_TITLE,
  DEFAULT_CONSOLE_DIR,
  DEFAULT_SSE_HEARTBEAT_MS,
  DEFAULT_SSE_POLL_MS,
  buildApi,
  resolveApiOptions,
} from './api.js';
export type { Api, ApiOptions, ResolvedApiOptions, RouteAuth } from './api.types.js';
export { API_USAGE, parseApiFlags } from './cli-flags.js';
export type { ApiFlags } from './cli-flags.js';
export { startApiServer } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
export { safeEqual, verifySignature, bearerToken } from './http/auth.js';
export { formatSseEvent } from './http/event-stream.js';
