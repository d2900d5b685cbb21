import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers the next chat completion. */
export type FakeOpenAIAnswer =
  /** A completion whose message content is this value, as JSON. */
  | { kind: 'json'; value: unknown }
  /** A completion whose message content is this text, unparsed (e.g. broken JSON). */
  | { kind: 'text'; text: string }
  /** An HTTP error with OpenAI's error body. */
  | { kind: 'error'; status: number; message: string };

/** One request the fake received, for assertions. */
export interface FakeOpenAIRequest {
  method: string;
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
}

export interface FakeOpenAI {
  /** The base URL to give OPENAI_BASE_URL (ends in `/v1`). */
  baseUrl: string;
  requests: FakeOpenAIRequest[];
  /** What every following request gets, until changed. */
  answer(answer: FakeOpenAIAnswer): void;
  /**
   * Moderation flags: a text input containing `match` (case-insensitive), or any image input when
   * `match` is `{ image: true }`, is flagged in `categories`. Later rules add to earlier ones.
   */
  flag(match: string | { image: true }, categories: string[]): void;
  /** Makes `POST /v1/moderations` answer this HTTP status (e.g. 503) until called with undefined. */
  moderationFails(status: number | undefined): void;
  /** The moderation requests received, in order. */
  moderations(): FakeOpenAIRequest[];
  /**
   * Leaves every moderation request from now on unanswered until `release` (a slow OpenAI):
   * `arrived` resolves when the first one comes in, so a test knows its client is waiting there.
   */
  holdModerations(): { arrived: Promise<void>; release(): void };
  close(): Promise<void>;
}

/**
 * A local stand-in for OpenAI's chat completions (`POST /v1/chat/completions`) and moderation
 * (`POST /v1/moderations`, flags set with `flag`) endpoints, on
 * 127.0.0.1 and a free port, for the real `openai` client to talk to through `baseURL`.
 * It checks the bearer token and answers good JSON, malformed JSON or an HTTP error.
 */
export async function startFakeOpenAI(options: { apiKey?: string } = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? 'sk-test';
  const requests: FakeOpenAIRequest[] = [];
  let next: FakeOpenAIAnswer = { kind: 'error', status: 500, message: 'no answer configured' };
  const flags: { match: string | { image: true }; categories: string[] }[] = [];
  let moderationStatus: number | undefined;
  let held: { arrive(): void; answers: (() => void)[] } | undefined;

  /** OpenAI's answer to one moderation request: one result for the whole multi-modal input. */
  function moderationResult(body: Record<string, unknown>) {
    const raw = body.input;
    const inputs: { type: string; text?: string }[] = Array.isArray(raw)
      ? raw.map((item) => (typeof item === 'string' ? { type: 'text', text: item } : item))
      : [{ type: 'text', text: String(raw) }];
    const flagged = new Set<string>();
    for (const input of inputs)
      for (const rule of flags) {
        const hit =
          typeof rule.match === 'string'
            ? input.type === 'text' && (input.text ?? '').toLowerCase().includes(rule.match.toLowerCase())
            : input.type === 'image_url';
        if (hit) for (const category of rule.categories) flagged.add(category);
      }
    const known = [
      'sexual',
      'sexual/minors',
      'harassment',
      'hate',
      'violence',
      'violence/graphic',
      'self-harm',
    ];
    const categories = Object.fromEntries(
      [...new Set([...known, ...flagged])].map((name) => [name, flagged.has(name)]),
    );
    const scores = Object.fromEntries(
      Object.keys(categories).map((name) => [name, flagged.has(name) ? 0.9 : 0.01]),
    );
    return {
      flagged: flagged.size > 0,
      categories,
      category_scores: scores,
      category_applied_input_types: {},
    };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { unparsable: text };
      }
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          // The client honours this, so its retries do not wait seconds in tests.
          'retry-after-ms': '1',
          'x-request-id': `req_${requests.length}`,
        });
        res.end(JSON.stringify(payload));
      };
      if (req.method === 'POST' && req.url === '/v1/moderations') {
        if (req.headers.authorization !== `Bearer ${apiKey}`)
          return send(401, {
            error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
          });
        if (moderationStatus !== undefined)
          return send(moderationStatus, { error: { message: 'moderation is down', type: 'server_error' } });
        const answer = () =>
          send(200, {
            id: `modr-${requests.length}`,
            model: String(body.model ?? 'omni-moderation-latest'),
            results: [moderationResult(body)],
          });
        if (!held) return answer();
        held.answers.push(answer);
        return held.arrive();
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
        return send(404, {
          error: { message: `Unknown route ${req.method} ${req.url}`, type: 'invalid_request_error' },
        });
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return send(401, {
          error: {
            message: 'Incorrect API key provided',
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        });
      if (next.kind === 'error')
        return send(next.status, { error: { message: next.message, type: 'server_error' } });
      const content = next.kind === 'json' ? JSON.stringify(next.value) : next.text;
      send(200, {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model: String(body.model ?? 'gpt-4o-mini'),
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    answer(answer) {
      next = answer;
    },
    flag(match, categories) {
      flags.push({ match, categories });
    },
    moderationFails(status) {
      moderationStatus = status;
    },
    moderations: () => requests.filter((request) => request.path === '/v1/moderations'),
    holdModerations() {
      let arrive = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const hold = { arrive, answers: [] as (() => void)[] };
      held = hold;
      return {
        arrived,
        release() {
          if (held === hold) held = undefined;
          for (const answer of hold.answers.splice(0)) answer();
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
