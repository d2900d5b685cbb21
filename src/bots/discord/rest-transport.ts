import { STATUS_CODES } from 'node:http';
import { REST, type RESTOptions, type ResponseLike } from 'discord.js';
import { Agent, type Dispatcher, Headers, request } from 'undici';

/** How discord.js's REST client reaches Discord: {@link createDiscordTransport}. */
export interface DiscordTransport {
  /** For `new Client({ rest: { makeRequest } })`. */
  makeRequest: RESTOptions['makeRequest'];
  /** Closes the connections it keeps open (waiting for requests in flight), so the process can exit. */
  close(): Promise<void>;
}

/**
 * The body as bytes, with the content type that goes with it. discord.js hands over a string (JSON)
 * or, for uploads, the platform's `FormData`; anything else it may pass through is encoded the same
 * way. The platform's own `Response` encodes the `FormData` that the platform made, boundary and all,
 * so no copy of undici ever sees another copy's objects.
 */
async function encodeBody(body: unknown): Promise<{ bytes?: string | Uint8Array; contentType?: string }> {
  if (body === null || body === undefined) return {};
  if (typeof body === 'string' || body instanceof Uint8Array) return { bytes: body };
  const encoded = new Response(body as BodyInit);
  return {
    // Buffered: an upload is at most the attachment limit, and discord.js held it in memory already.
    bytes: new Uint8Array(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type') ?? undefined,
  };
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined
      ? []
      : (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
  );
}

/**
 * The transport for discord.js's REST client: our undici and an Agent of its own, with every body
 * turned into bytes first.
 *
 * Why not discord.js's default: `@discordjs/rest` carries its own undici 6 and sends uploads as a
 * `FormData` through that undici's `request()`, which uses whatever dispatcher the process installed
 * globally. Whichever undici is imported first installs it; in `reelbot start` that is our undici 7,
 * which cannot read undici 6's body, so every message with a video failed ("TypeError: action is not
 * a function" in undici's body.js) while JSON requests worked. Upstream: discordjs/discord.js#10946
 * and #11525. With bytes and a dispatcher we own, no import order can break it.
 */
export function createDiscordTransport(options: { dispatcher?: Dispatcher } = {}): DiscordTransport {
  const own = options.dispatcher ? undefined : new Agent();
  const dispatcher = options.dispatcher ?? own!;

  return {
    async makeRequest(url, init) {
      const { bytes, contentType } = await encodeBody(init.body);
      const headers = new Headers(init.headers as Record<string, string> | undefined);
      if (contentType && !headers.has('content-type')) headers.set('content-type', contentType);
      const response = await request(url, {
        method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: Object.fromEntries(headers),
        body: bytes,
        signal: init.signal ?? undefined,
        // `init.dispatcher` would be an undici 6 Agent (RESTOptions.agent), which we never set.
        dispatcher,
      });
      const body = response.body;
      const result: ResponseLike = {
        body,
        arrayBuffer: () => body.arrayBuffer(),
        json: () => body.json(),
        text: () => body.text(),
        get bodyUsed() {
          return body.bodyUsed;
        },
        headers: new Headers(flatHeaders(response.headers)),
        status: response.statusCode,
        statusText: STATUS_CODES[response.statusCode] ?? '',
        ok: response.statusCode >= 200 && response.statusCode < 300,
      };
      return result;
    },
    async close() {
      await own?.close();
    },
  };
}

/**
 * A REST client on our transport, for work outside the gateway client (`reelbot register-commands`).
 * `close()` ends its connections.
 */
export function createDiscordRest(discord: { apiUrl: string; token: string }): {
  rest: REST;
  close(): Promise<void>;
} {
  const transport = createDiscordTransport();
  const rest = new REST({ api: discord.apiUrl, makeRequest: transport.makeRequest });
  return { rest: rest.setToken(discord.token), close: () => transport.close() };
}
