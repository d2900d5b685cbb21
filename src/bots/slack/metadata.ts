import type { CatalogCollection } from '../../core/replicate/catalog.js';

/**
 * What a modal remembers between opening and submit, in `private_metadata` (at most 3000
 * characters): where to post, who asked, and what they started from. Slack gives a view submit no
 * channel of its own, so the channel has to travel here.
 */
export interface ModalContext {
  channelId: string;
  userId: string;
  teamId?: string;
  /** The collection the model chooser offers. */
  collection?: CatalogCollection;
  /** The chosen model, once there is one. */
  model?: string;
  /** Text typed after the command, put into the prompt field. */
  prompt?: string;
  /** Images of a shared message ("Animate this image"), by Slack file id. */
  fileIds?: string[];
  /** Edit & re-run: the generation whose form this is; its images are kept unless new ones are uploaded. */
  originId?: string;
  /** The page of a form split over several views (0-based; almost always 0). */
  page?: number;
}

const maxMetadata = 3000;

/** Serialises a context; long prompts are cut so the whole fits Slack's limit. */
export function encodeContext(context: ModalContext): string {
  const compact = {
    c: context.channelId,
    u: context.userId,
    w: context.teamId,
    k: context.collection,
    m: context.model,
    p: context.prompt,
    f: context.fileIds?.slice(0, 10),
    o: context.originId,
    g: context.page || undefined,
  };
  let text = JSON.stringify(compact);
  if (text.length > maxMetadata && compact.p) {
    const over = text.length - maxMetadata;
    compact.p = compact.p.slice(0, Math.max(0, compact.p.length - over - 16));
    text = JSON.stringify(compact);
  }
  return text;
}

/** Reads a context back; undefined when the metadata is not ours. */
export function decodeContext(text: string | undefined): ModalContext | undefined {
  if (!text) return undefined;
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    if (typeof raw.c !== 'string' || typeof raw.u !== 'string') return undefined;
    const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const collection = raw.k === 'text-to-video' || raw.k === 'image-to-video' ? raw.k : undefined;
    return {
      channelId: raw.c,
      userId: raw.u,
      teamId: str(raw.w),
      collection,
      model: str(raw.m),
      prompt: str(raw.p),
      fileIds: Array.isArray(raw.f) ? raw.f.filter((id): id is string => typeof id === 'string') : undefined,
      originId: str(raw.o),
      page: typeof raw.g === 'number' && Number.isInteger(raw.g) && raw.g > 0 ? raw.g : undefined,
    };
  } catch {
    return undefined;
  }
}
