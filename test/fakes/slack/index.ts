export { CallLog, type RecordedCall, type WaitOptions } from './call-log.js';
export { serveHandler } from './handler-server.js';
export { type FakeSlack, type FakeSlackOptions, startFakeSlack } from './server.js';
export {
  createSignedClient,
  createSocketClient,
  type SignedClient,
  type Signing,
  type SlackPerson,
  type SlackReply,
  type SocketClient,
  slackSignature,
} from './signed-client.js';
export type { FakeSocketMode, SocketAck } from './socket-mode.js';
export { stateFor, type TypedInput } from './view-state.js';
export { allScopes, type FakeFile, type FakeMessage, type FakeView, fileJson } from './workspace.js';
