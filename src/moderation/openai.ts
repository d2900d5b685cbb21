import type OpenAI from 'openai';
import type { ModerationInput, Moderator } from '../core/generations/moderation.js';

/** How to reach OpenAI: `config.openai`, plus knobs for tests. */
export interface OpenAIModeratorOptions {
  apiKey: string;
  /** `OPENAI_BASE_URL`; the library's default when absent. */
  baseUrl?: string;
  /** `omni-moderation-latest`, the model that reads images too, unless said. */
  model?: string;
  fetch?: typeof fetch;
}

/**
 * The moderation port on OpenAI's `POST /moderations`. The `openai` package is loaded at the first
 * check, so a reelbot without OPENAI_API_KEY never loads it. The client does not retry: the gate's
 * timeout is short and a person is waiting; `MODERATION_FAIL` decides what a failure means.
 */
export function createOpenAIModerator(options: OpenAIModeratorOptions): Moderator {
  let client: Promise<OpenAI> | undefined;
  const model = options.model ?? 'omni-moderation-latest';
  function connect(): Promise<OpenAI> {
    client ??= import('openai').then(
      ({ default: Client }) =>
        new Client({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0, fetch: options.fetch }),
    );
    return client;
  }
  return {
    async moderate(inputs: ModerationInput[], signal: AbortSignal): Promise<string[]> {
      const openai = await connect();
      const response = await openai.moderations.create(
        {
          model,
          input: inputs.map((input) =>
            input.kind === 'text'
              ? { type: 'text' as const, text: input.text }
              : { type: 'image_url' as const, image_url: { url: input.dataUrl } },
          ),
        },
        { signal },
      );
      const flagged = new Set<string>();
      for (const result of response.results)
        for (const [category, isFlagged] of Object.entries(result.categories))
          if (isFlagged) flagged.add(category);
      return [...flagged];
    },
  };
}
