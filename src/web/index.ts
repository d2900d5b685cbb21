export { createWebApp } from './app.js';
export { startWebServer, type WebServer } from './server.js';
export type { RawMount, ReplicateWebhookHandler, WebDeps } from './types.js';
