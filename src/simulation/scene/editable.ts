import { materialOf } from './materials.js';
import type { Scene, SceneInput } from './schema.js';

/** The properties a material fills in when they are not given (the object schema's transform). */
const fromMaterial = ['density', 'friction', 'restitution', 'color', 'roughness', 'metalness'] as const;

/**
 * The scene as people keep and edit it (the Scene button's file): each object without the values its
 * material fills in. Parsed, it is the same scene again; but written out whole, a steel ball's
 * density, shine and colour would stay steel's after someone changes its `material` to rubber, since
 * values given win over the material's. Values that differ from the material's are kept.
 */
export function editableScene(scene: Scene): SceneInput {
  return {
    ...scene,
    objects: scene.objects.map((object) => {
      if (!object.material) return object;
      const filled = materialOf(object.material);
      const kept: Record<string, unknown> = { ...object };
      for (const key of fromMaterial) if (kept[key] === filled[key]) delete kept[key];
      return kept as SceneInput['objects'][number];
    }),
  };
}
