import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { NotFoundError, ReelbotError } from '../errors.js';
import { prepareAttachment } from '../media/attachments.js';
import { extractLastFrame } from '../media/chain-video.js';
import { type MediaStorage, withLocalFile } from '../media/storage.js';
import { assertPromptLength } from '../prompt-limit.js';
import type { Catalog, CatalogModelWithFields } from '../replicate/catalog.js';
import type { ReplicateApi } from '../replicate/client.js';
import { imageFields, promptField } from '../replicate/schema.js';
import type { Admission } from './admission.js';
import { continuationInput } from './continuation-input.js';
import type { GenerationStore } from './generation-store.js';
import { mergeRestricted } from './moderation.js';
import { type PromptScreenDeps, screenPrompt } from './prompt-screen.js';
import type { ServerRules } from './server-rules.js';
import type { Generation, Requester } from './types.js';

/** The chain's length when `MAX_CHAIN` is not given. */
export const defaultMaxChain = 5;

/** What an Extend press asks for: continue `generationId`, with its prompt or a new one. */
export interface ExtendRequest {
  requester: Requester;
  generationId: string;
  /** The next part's prompt; the previous part's when absent. */
  prompt?: string;
  /**
   * The image-to-video model the person picked from the plan's `choices`; the plan's `model` when
   * absent. It must take an image and be allowed where the person asks.
   */
  model?: string;
  messageRef?: Record<string, unknown>;
}

/** What an extend would do, to show before it runs (the modal's title, an ephemeral note). */
export interface ExtendPlan {
  /** The image-to-video model that continues the clip unless the person picks another. */
  model: string;
  /** True when that is the clip's own model. */
  sameModel: boolean;
  /**
   * The models the person may pick from, `model` first: the clip's own when it takes an image, the
   * default one, then the image-to-video collection, most run first; only those allowed here.
   */
  choices: string[];
  prompt?: string;
  /** The number the new part would have in its chain (2 for the first extend). */
  part: number;
  maxParts: number;
}

/** `rules`, `moderation` and `logger` screen the new prompt as any (prompt-screen.ts). */
export interface ExtendDeps extends PromptScreenDeps {
  admission: Admission;
  store: GenerationStore;
  storage: Pick<MediaStorage, 'fetchLocal' | 'tempDir'>;
  api: Pick<ReplicateApi, 'uploadFile'>;
  catalog: Pick<Catalog, 'getModel'> & Partial<Pick<Catalog, 'listModels'>>;
  config?: Partial<Pick<Config, 'chains'>>;
  /**
   * The server's allow-list, so the default and the choices are models that may run there, and its
   * blocked terms.
   */
  rules: Pick<ServerRules, 'allows' | 'blockedTerms'>;
}

/** The refusal of a chain at its cap. */
export function chainTooLong(maxParts: number): ReelbotError {
  return new ReelbotError('CHAIN_TOO_LONG', `chain already has ${maxParts} parts`, {
    userMessage: `This video already has ${maxParts} parts, the most a chain may have here. Start a new one with /video or /animate.`,
    context: { maxParts },
  });
}

/** The refusal of a picked model that cannot start from the last frame. */
export function takesNoImage(ref: string): ReelbotError {
  return new ReelbotError('NO_IMAGE_MODEL', `${ref} takes no image`, {
    userMessage: `${ref} takes no image, so it cannot continue a video. Pick an image-to-video model.`,
    context: { model: ref },
  });
}

/**
 * The parts a generation continues, oldest first, itself last: the `extend` origins followed back.
 * A chain never forks in its links, so this is the joined video's order even when someone extended
 * an older part twice.
 */
export async function lineageOf(
  store: Pick<GenerationStore, 'get'>,
  generation: Generation,
  limit = 100,
): Promise<Generation[]> {
  const parts = [generation];
  let current = generation;
  while (current.origin?.kind === 'extend' && parts.length < limit) {
    const previous = await store.get(current.origin.generationId);
    if (!previous) break;
    parts.unshift(previous);
    current = previous;
  }
  return parts;
}

/**
 * Extend: the next part of a clip starts from its exact last frame, given to an image-to-video
 * model as its image: the one the person picked from the plan's choices, else the clip's own model
 * when it takes one, else `DEFAULT_IMAGE_MODEL`, else the most run image-to-video model allowed
 * here. It is admitted like any request: allow-list, quota, limits and blocked terms.
 */
export function createExtender(deps: ExtendDeps) {
  const { admission, store } = deps;
  const maxParts = deps.config?.chains?.maxParts ?? defaultMaxChain;

  async function finishedClip(generationId: string): Promise<Generation> {
    const previous = await store.get(generationId);
    if (!previous) throw new NotFoundError('generation', generationId);
    if (previous.status !== 'succeeded' || !previous.media || !previous.media.mime.startsWith('video/'))
      throw new ReelbotError('EXTEND_NOT_READY', `generation ${generationId} has no finished video`, {
        userMessage: 'Only a finished video can be extended.',
      });
    return previous;
  }

  /** Which models may run for this person; any without a requester. */
  async function allowedFor(requester: Requester | undefined): Promise<(ref: string) => boolean> {
    if (!requester) return () => true;
    return deps.rules.allows(requester);
  }

  /** The image-to-video collection, most run first; none when the catalog cannot say right now. */
  async function imageModels(): Promise<string[]> {
    const listed = await deps.catalog.listModels?.('image-to-video').catch(() => undefined);
    return (listed ?? []).map((model) => model.ref);
  }

  /**
   * The model that continues `previous` unless the person picks another: its own when it takes an
   * image (and is still allowed), else `DEFAULT_IMAGE_MODEL`, else the most run image-to-video model allowed here.
   */
  async function defaultModel(
    previous: Generation,
    allowed: (ref: string) => boolean,
    collection: () => Promise<string[]>,
  ): Promise<{ model: CatalogModelWithFields; same: boolean }> {
    // The clip's own model, unless the server has since taken it off its allow-list.
    if (previous.source === 'replicate' && allowed(previous.model)) {
      const own = await deps.catalog.getModel(previous.model);
      if (imageFields(own.fields).length > 0) return { model: own, same: true };
    }
    const configured = deps.config?.chains?.defaultImageModel;
    // A configured model outside the allow-list is still named, so the refusal says why.
    const ref =
      configured && allowed(configured)
        ? configured
        : ((await collection()).find(allowed) ?? configured ?? (await collection())[0]);
    if (!ref)
      throw new ReelbotError('NO_IMAGE_MODEL', 'no image-to-video model to extend with', {
        userMessage:
          'I could not find an image-to-video model to continue this video. Ask an admin to set DEFAULT_IMAGE_MODEL.',
      });
    const model = await deps.catalog.getModel(ref);
    if (imageFields(model.fields).length === 0)
      throw new ReelbotError('NO_IMAGE_MODEL', `${ref} takes no image`, {
        userMessage: `The model set to continue videos (${ref}) takes no image.`,
      });
    return { model, same: false };
  }

  /** The model the request names (checked: it takes an image), or the default. */
  async function continuingModel(
    previous: Generation,
    picked: string | undefined,
    allowed: (ref: string) => boolean,
  ): Promise<{ model: CatalogModelWithFields; same: boolean }> {
    if (!picked) return defaultModel(previous, allowed, imageModels);
    const model = await deps.catalog.getModel(picked);
    if (imageFields(model.fields).length === 0) throw takesNoImage(picked);
    return { model, same: previous.source === 'replicate' && model.model.ref === previous.model };
  }

  async function plan(generationId: string, requester?: Requester): Promise<ExtendPlan> {
    const previous = await finishedClip(generationId);
    const parts = await lineageOf(store, previous, maxParts + 1);
    if (parts.length >= maxParts) throw chainTooLong(maxParts);
    const allowed = await allowedFor(requester);
    // One read of the collection serves the default and the choices.
    const listed = imageModels();
    const { model, same } = await defaultModel(previous, allowed, () => listed);
    const ref = model.model.ref;
    const configured = deps.config?.chains?.defaultImageModel;
    const others = [...(configured ? [configured] : []), ...(await listed)].filter(
      (choice) => choice !== ref && allowed(choice),
    );
    return {
      model: ref,
      sameModel: same,
      choices: [...new Set([ref, ...others])],
      prompt: previous.prompt,
      part: parts.length + 1,
      maxParts,
    };
  }

  async function extend(request: ExtendRequest): Promise<Generation> {
    admission.assertOpen();
    const previous = await finishedClip(request.generationId);
    const parts = await lineageOf(store, previous, maxParts + 1);
    if (parts.length >= maxParts) throw chainTooLong(maxParts);
    await admission.checkQuota(request.requester);
    const picked = request.model?.trim() || undefined;
    // A picked model is checked against the allow-list before the catalog is asked about it.
    if (picked) await admission.checkPlace(request.requester, picked);
    const { model, same } = await continuingModel(previous, picked, await allowedFor(request.requester));
    await admission.checkUserLimit(request.requester);
    const prompt = (request.prompt ?? previous.prompt ?? '').trim() || undefined;
    const promptInput = promptField(model.fields);
    const restricted: string[] = [];
    if (prompt) {
      assertPromptLength(prompt, promptInput?.name);
      restricted.push(...(await screenPrompt(deps, prompt, request.requester)));
    }
    const frame = await lastFrameOf(previous);
    const uploaded = await prepareAttachment(
      { url: `reelbot:${previous.id}`, data: frame, filename: `${previous.id}-last-frame.png` },
      deps.api,
    );
    const input = continuationInput({
      fields: model.fields,
      frameUrl: uploaded.url,
      prompt,
      kept: same ? previous.input : undefined,
      keepsPrompt: prompt === previous.prompt?.trim(),
    });
    const chainId = previous.chainId ?? parts[0]!.id;
    const created = await admission.record({
      source: 'replicate',
      requester: request.requester,
      model: model.model.ref,
      version: model.versionId,
      prompt,
      input,
      seed: typeof input.seed === 'number' ? input.seed : undefined,
      messageRef: request.messageRef,
      origin: { kind: 'extend', generationId: previous.id },
      chainId,
      // The last frame is the previous part's: its marks carry on with the chain.
      restrictedCategories: mergeRestricted(previous.restrictedCategories, restricted),
    });
    // The first part joins its chain once the chain has a second one.
    if (!parts[0]!.chainId) await store.update(parts[0]!.id, { chainId });
    return created;
  }

  async function lastFrameOf(previous: Generation): Promise<Buffer> {
    const out = path.join(deps.storage.tempDir, `${previous.id}.last-frame.png`);
    await fs.promises.mkdir(deps.storage.tempDir, { recursive: true });
    try {
      await withLocalFile(deps.storage, previous.media!.path, (file) => extractLastFrame(file, out));
      return await fs.promises.readFile(out);
    } finally {
      await fs.promises.rm(out, { force: true });
    }
  }

  return { plan, extend };
}

export type Extender = ReturnType<typeof createExtender>;
