import fs from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { fileJson } from '../../fakes/slack/index.js';
import { openModelForm, type SlackHarness, startSlackHarness } from './harness.js';

/** Holds `files.info` calls until released, as a slow Slack would. */
export function holdingFetch() {
  let holding = true;
  const held: (() => void)[] = [];
  let heldOne: () => void = () => {};
  const firstHeld = new Promise<void>((resolve) => {
    heldOne = resolve;
  });
  const fetchFn = async (url: string | URL, init?: RequestInit) => {
    if (holding && String(url).endsWith('/files.info')) {
      await new Promise<void>((resolve) => {
        held.push(resolve);
        heldOne();
      });
    }
    return fetch(url, init);
  };
  return {
    fetchFn,
    firstHeld,
    release() {
      holding = false;
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

/**
 * `/animate` as a person does it: open the modal, choose an image-to-video model, attach an image
 * and submit. Resolves with the submit's answer still pending, so a test can hold Slack meanwhile.
 */
export async function submitAnimateWithImage(
  h: SlackHarness,
  options: { person: { id: string }; prompt: string; fileName: string },
) {
  const { person } = options;
  const { viewId, since } = await openModelForm(h, {
    command: '/animate',
    text: options.prompt,
    model: 'ali-vilab/i2vgen-xl',
    person,
  });
  const png = fs.readFileSync((await fakeMedia()).image);
  const file = h.slack.addFile({ name: options.fileName, bytes: png, user: person.id });
  const submit = h.client.viewSubmission({
    view: h.slack.viewPayload(viewId),
    inputs: { image: [fileJson(file)] },
    person,
  });
  return { since, submit };
}

/** A Slack harness whose bot reads files through a {@link holdingFetch}, with a short submit deadline. */
export interface SlowFilesHarness {
  slow: ReturnType<typeof holdingFetch>;
  /** Set once the suite's `beforeAll` has run. */
  h: SlackHarness;
}

/** Starts a {@link SlowFilesHarness} for the calling suite and closes it afterwards. */
export function useSlowFilesHarness(): SlowFilesHarness {
  const context = { slow: holdingFetch() } as SlowFilesHarness;
  beforeAll(async () => {
    context.h = await startSlackHarness({
      bot: {
        submitDeadlineMs: 50,
        clientOptions: { retryConfig: { retries: 0 }, fetch: context.slow.fetchFn as never },
      },
    });
  });
  afterAll(async () => {
    context.slow.release();
    await context.h?.close();
  });
  return context;
}
