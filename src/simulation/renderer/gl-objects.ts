/** Buffers, textures and targets created in one GL context: deleted after each video, or kept for the next. */
export interface GlObjects {
  /**
   * The value `make` returns, with every GL object it creates kept for later videos under `slot`
   * while `key` stays the same: a later call with the same slot and key returns it as it is, one
   * with another key deletes the kept objects and makes new ones. One value per slot, so a worker
   * that alternates sizes re-creates, but never accumulates.
   */
  keep<T>(slot: string, key: string, make: () => T): T;
  /** Deletes every object created since the last call, but the kept ones. */
  deleteMade(): void;
}

interface Kept {
  key: string;
  value: unknown;
  deleters: (() => void)[];
}

const deleters = {
  createBuffer: 'deleteBuffer',
  createTexture: 'deleteTexture',
  createFramebuffer: 'deleteFramebuffer',
  createRenderbuffer: 'deleteRenderbuffer',
  // Programs and shaders are not here: they stay linked for the next video (see program.ts).
} as const;

/**
 * Records every buffer, texture and target created in `gl` from now on, so that all of them can be
 * deleted when a video is done, but those a video keeps for the next one of its size: in llvmpipe,
 * allocating the targets of a 720p video (texImage2D, renderbufferStorage) made a warm worker's set-up
 * 0.09-0.25 s, against 0.02-0.06 s with them kept (`npm run bench:sim`, loaded machine).
 */
export function trackObjects(gl: WebGLRenderingContext): GlObjects {
  let made: (() => void)[] = [];
  const kept = new Map<string, Kept>();
  const methods = gl as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [create, remove] of Object.entries(deleters)) {
    const original = methods[create]!.bind(gl);
    methods[create] = (...args: unknown[]) => {
      const object = original(...args);
      if (object) made.push(() => methods[remove]!.call(gl, object));
      return object;
    };
  }
  const deleteAll = (list: (() => void)[]) => {
    for (const remove of list.splice(0).reverse()) remove();
  };
  return {
    keep<T>(slot: string, key: string, make: () => T): T {
      const known = kept.get(slot);
      if (known?.key === key) return known.value as T;
      if (known) deleteAll(known.deleters);
      kept.delete(slot);
      const video = made;
      made = [];
      try {
        const value = make();
        kept.set(slot, { key, value, deleters: made });
        return value;
      } catch (error) {
        // Half made (a size the driver refuses): nothing of it stays.
        deleteAll(made);
        throw error;
      } finally {
        made = video;
      }
    },
    deleteMade() {
      deleteAll(made);
    },
  };
}
