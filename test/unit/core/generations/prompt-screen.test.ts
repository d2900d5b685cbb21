import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/core/config.js';
import { codeOf } from '../../../../src/core/errors.js';
import { createModerationGate, type Moderator } from '../../../../src/core/generations/moderation.js';
import { screenPrompt } from '../../../../src/core/generations/prompt-screen.js';
import { createServerRules } from '../../../../src/core/generations/server-rules.js';
import { silentLogger } from '../../../../src/core/logger.js';

const requester = { platform: 'cli' as const, userId: 'operator' };

/** The screen as `reelbot simulate --scene-only` builds it: no store, the environment's rules. */
function screenWith(env: Record<string, string>, answer: (text: string) => string[]) {
  const asked: string[] = [];
  const moderator: Moderator = {
    moderate: async (inputs) => {
      const text = inputs.map((input) => (input.kind === 'text' ? input.text : '')).join(' ');
      asked.push(text);
      return answer(text);
    },
  };
  const config = loadConfig(env);
  const logger = silentLogger();
  const deps = {
    rules: createServerRules({ config }),
    moderation: createModerationGate({ moderator, config, logger }),
    logger,
  };
  return { asked, screen: (prompt: string) => screenPrompt(deps, prompt, requester) };
}

describe('screenPrompt', () => {
  it('refuses a blocked term without asking moderation', async () => {
    const { asked, screen } = screenWith({ BLOCKED_TERMS: 'gore' }, () => []);
    const refusal = await screen('boxes of GÖRE fall').catch((error: unknown) => error);
    expect(codeOf(refusal)).toBe('PROMPT_BLOCKED');
    expect(asked).toEqual([]);
  });

  it('asks moderation about a prompt the terms allow, refusing a flagged one', async () => {
    const { asked, screen } = screenWith({ BLOCKED_TERMS: 'gore' }, (text) =>
      text.includes('fight') ? ['violence'] : [],
    );
    await expect(screen('boxes fall')).resolves.toEqual([]);
    const refusal = await screen('two robots fight').catch((error: unknown) => error);
    expect(codeOf(refusal)).toBe('PROMPT_FLAGGED');
    expect(asked).toEqual(['boxes fall', 'two robots fight']);
  });

  it('answers the age-restricted categories moderation marked, for the caller to keep', async () => {
    const { screen } = screenWith({ MODERATION_NSFW_CATEGORIES: 'sexual' }, () => ['sexual']);
    await expect(screen('a statue')).resolves.toEqual(['sexual']);
  });
});
