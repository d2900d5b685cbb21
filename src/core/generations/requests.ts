import { randomInt } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { AttachmentError, NotFoundError, ReelbotError, ValidationError } from '../errors.js';
import { fetchAttachment } from '../media/attachments.js';
import { readJsonFile } from '../media/json-file.js';
import { assertPromptLength } from '../prompt-limit.js';
import type { Catalog } from '../replicate/catalog.js';
import type { ReplicateApi } from '../replicate/client.js';
import { imageFields, promptField } from '../replicate/schema.js';
import type { Field } from '../replicate/schema-types.js';
import type { Admission } from './admission.js';
import type { GenerationStore } from './generation-store.js';
import { prepareInput, randomSeed, seedField } from './input.js';
import { type ModerationGate, mergeRestricted } from './moderation.js';
import { type PromptScreenDeps, screenPrompt } from './prompt-screen.js';
import { canReroll, nothingToReroll } from './reroll-chance.js';
import { sceneFileTitle } from './scene-file.js';
import type { GenerationRequest, SimulationRequest } from './service-types.js';
import { simulationModel } from './simulation-job.js';
import type { Generation, Requester } from './types.js';
import { checkVideoChoices, type VideoChoices } from './video-choices.js';

/** A scene file is a few KB of JSON; 1 MB is room for the 500 bodies a scene may have. */
const maxSceneFileBytes = 1024 * 1024;

/** The refusal when this process has no physics renderer. */
export function noSimulator(): ReelbotError {
  return new ReelbotError('SIMULATION_UNAVAILABLE', 'this reelbot has no simulator', {
    userMessage: 'Physics simulations are not available on this reelbot.',
  });
}

/** `rules`, `moderation` and `logger` screen prompts (prompt-screen.ts); moderation checks images too. */
export interface RequestDeps extends PromptScreenDeps {
  admission: Admission;
  store: GenerationStore;
  api: Pick<ReplicateApi, 'uploadFile'>;
  catalog: Pick<Catalog, 'getModel'>;
  /** For chat attachments; undici's global dispatcher by default. */
  attachmentDispatcher?: Dispatcher;
  /** Whether a simulator renders physics here. */
  canSimulate: boolean;
  /** Checks a scene a person brought, before it is queued (the simulator's `checkScene`). */
  checkScene?: (scene: unknown) => void;
  /** OpenAI moderation of prompts and images; lets everything through when it has no moderator. */
  moderation: ModerationGate;
}

/**
 * Turns what people ask for into admitted generations: a model with form values and images, the
 * same input again with a new seed, or a sentence for physics. Cheap refusals come first, so a
 * refused request never fetches a schema or uploads an image.
 */
export function createRequests(deps: RequestDeps) {
  const { admission, store } = deps;

  async function simulate(request: SimulationRequest): Promise<Generation> {
    admission.assertOpen();
    const video = checkVideoChoices(request.video);
    const file = request.sceneFile;
    const fileName = file && (file.filename ?? 'scene.json');
    const prompt = (request.prompt.trim() || (fileName ? sceneFileTitle(fileName) : '')).trim();
    if (!prompt) throw new ValidationError([{ field: 'prompt', message: 'prompt is required' }]);
    assertPromptLength(prompt);
    const scene = file ? await readSceneFile(file) : request.scene;
    if (scene !== undefined) deps.checkScene?.(scene);
    const restricted = await screenPrompt(deps, prompt, request.requester);
    // A seed only picks how a sentence is read. A scene file is rendered as it is, so it has none,
    // no surface shows a seed that changed nothing, and no bot offers a Re-roll (reroll-chance.ts);
    // a scene the caller read from a sentence itself (the CLI) keeps the seed it was read with.
    const seed =
      scene === undefined ? (request.seed ?? randomInt(0, 2 ** 31 - 1)) : file ? undefined : request.seed;
    return admission.record({
      restrictedCategories: mergeRestricted(restricted),
      source: 'simulation',
      requester: request.requester,
      model: simulationModel,
      prompt,
      input: {
        prompt,
        ...(seed === undefined ? {} : { seed }),
        ...(scene === undefined ? {} : { scene, ...(fileName ? { sceneFile: fileName } : {}) }),
        ...(video ? { video } : {}),
      },
      seed,
      messageRef: request.messageRef,
    });
  }

  /** A scene file from chat: fetched (at most 1 MB) and read as JSON; the simulator checks the rest. */
  async function readSceneFile(file: NonNullable<SimulationRequest['sceneFile']>): Promise<unknown> {
    const bytes = file.data
      ? Buffer.from(file.data)
      : await fetchAttachment(file, {
          maxBytes: maxSceneFileBytes,
          dispatcher: deps.attachmentDispatcher,
          noun: 'scene file',
        });
    if (bytes.length > maxSceneFileBytes)
      throw new AttachmentError(
        'ATTACHMENT_TOO_LARGE',
        'scene file over 1 MB',
        'The scene file is too large: at most 1 MB, please.',
      );
    const read = await readJsonFile(bytes);
    if (read.ok) return read.value;
    throw new AttachmentError(
      'ATTACHMENT_NOT_JSON',
      `scene file ${file.filename ?? ''} is not JSON: ${read.problem}`,
      `That file is not a scene: ${read.problem}. Attach the .json file the Scene button gives, or one like it.`,
    );
  }

  async function start(request: GenerationRequest): Promise<Generation> {
    admission.assertOpen();
    // Before the catalog and any attachment upload: a refused request costs nothing.
    await admission.checkPlace(request.requester, request.model);
    await admission.checkQuota(request.requester);
    const model = await deps.catalog.getModel(request.model);
    await admission.checkUserLimit(request.requester);
    // After the free checks, before any attachment is uploaded: a refused prompt costs at most one
    // moderation call. record checks every prompt's blocked terms again, this one included.
    const promptName = promptField(model.fields)?.name;
    const typed = promptName ? request.values[promptName] : undefined;
    const restricted = typeof typed === 'string' ? await screenPrompt(deps, typed, request.requester) : [];
    const prepared = await prepareInput({
      fields: model.fields,
      values: request.values,
      attachments: request.attachments,
      api: deps.api,
      dispatcher: deps.attachmentDispatcher,
      inspectImage: async (image) => {
        restricted.push(...(await deps.moderation.checkImage(image.bytes, image.mime, request.requester)));
      },
    });
    return admission.record({
      restrictedCategories: mergeRestricted(
        restricted,
        await keptImageMarks(request.origin, model.fields, prepared.input),
      ),
      source: 'replicate',
      requester: request.requester,
      model: model.model.ref,
      version: model.versionId,
      prompt: prepared.prompt,
      input: prepared.input,
      seed: prepared.seed,
      messageRef: request.messageRef,
      ...(request.origin ? { origin: request.origin } : {}),
    });
  }

  /**
   * An Edit that keeps the image of the video it came from ("keep the same image") hands that image
   * on as the URL it was uploaded at, so it is not moderated again: the original's age-restricted
   * marks go with it. They are not kept apart by prompt and image, so they are carried whole; a
   * spoiler too many rather than a flagged image shown plainly.
   */
  async function keptImageMarks(
    origin: GenerationRequest['origin'],
    fields: Field[],
    input: Record<string, unknown>,
  ): Promise<string[] | undefined> {
    if (origin?.kind !== 'edit') return undefined;
    const previous = await store.get(origin.generationId);
    if (!previous?.restrictedCategories?.length) return undefined;
    const keeps = imageFields(fields).some(
      ({ name }) =>
        input[name] !== undefined && JSON.stringify(input[name]) === JSON.stringify(previous.input[name]),
    );
    return keeps ? previous.restrictedCategories : undefined;
  }

  /**
   * What a re-roll is refused for that the store alone can tell (the video is gone, leaves nothing to
   * chance, its model or channel is not allowed here, a quota or the person's running videos): asked
   * before a bot shows anything in the channel. Returns the video to re-roll.
   */
  async function checkReroll(generationId: string, requester: Requester): Promise<Generation> {
    admission.assertOpen();
    const previous = await store.get(generationId);
    if (!previous) throw new NotFoundError('generation', generationId);
    if (!canReroll(previous)) throw nothingToReroll(previous.id);
    if (previous.source === 'simulation') {
      if (!deps.canSimulate) throw noSimulator();
      await admission.checkPlace(requester);
    } else {
      await admission.checkPlace(requester, previous.model);
      await admission.checkQuota(requester);
    }
    await admission.checkUserLimit(requester);
    return previous;
  }

  async function reroll(generationId: string, requester: Requester): Promise<Generation> {
    const previous = await checkReroll(generationId, requester);
    if (previous.source === 'simulation') {
      // The same sentence, read with a new seed, as the same kind of video.
      const { video } = previous.input as { video?: VideoChoices };
      return simulate({ requester, prompt: previous.prompt ?? '', ...(video ? { video } : {}) });
    }
    const model = await deps.catalog.getModel(previous.model);
    const input = { ...previous.input };
    const field = seedField(model.fields);
    let seed = previous.seed;
    if (field) {
      seed = randomSeed(field);
      input.seed = seed;
    }
    return admission.record({
      // The same prompt and images as before, checked then: the video is shown as the first was.
      restrictedCategories: previous.restrictedCategories,
      source: 'replicate',
      requester,
      model: previous.model,
      version: model.versionId ?? previous.version,
      prompt: previous.prompt,
      input,
      seed,
      origin: { kind: 'reroll', generationId: previous.id },
    });
  }

  /** A prompt checked as `start` checks it (length, blocked terms, moderation), nothing started. */
  async function checkPrompt(prompt: string, requester: Requester): Promise<void> {
    admission.assertOpen();
    assertPromptLength(prompt);
    await screenPrompt(deps, prompt, requester);
  }

  return { start, reroll, checkReroll, simulate, checkPrompt };
}
