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
  close(): Promise<void>;
}

/**
 * A local stand-in for OpenAI's chat completions endpoint (`POST /v1/chat/completions`), on
 * 127.0.0.1 and a free port, for the real `openai` client to talk to through `baseURL`.
 * It checks the bearer token and answers good JSON, malformed JSON or an HTTP error.
 */
export async function startFakeOpenAI(options: { apiKey?: string } = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? 'sk-test';
  const requests: FakeOpenAIRequest[] = [];
  let next: FakeOpenAIAnswer = { kind: 'error', status: 500, message: 'no answer configured' };

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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
