import type { UploadedPart } from './request-body.js';
import type { FakeWorkspace } from './workspace.js';

/** The answer of a Web API method: `ok: true` with data, or `ok: false` with an error code. */
export type MethodAnswer = { ok: true } & Record<string, unknown>;

/** What a method handler gets. */
export interface MethodCall {
  args: Record<string, unknown>;
  parts: UploadedPart[];
  workspace: FakeWorkspace;
}

/** Thrown by handlers for `{ ok: false, error }` answers. */
export class SlackApiFault extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

export type MethodHandler = (call: MethodCall) => MethodAnswer;

export function requireString(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string' || value === '')
    throw new SlackApiFault('invalid_arguments', {
      response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
    });
  return value;
}
