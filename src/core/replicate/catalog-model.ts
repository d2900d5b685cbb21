import { fieldsFromSchema } from './schema.js';
import type { Field } from './schema-types.js';
import type { ReplicateModel } from './types.js';

/** The collections reelbot offers models from. */
export type CatalogCollection = 'text-to-video' | 'image-to-video';

export const catalogCollections: readonly CatalogCollection[] = ['text-to-video', 'image-to-video'];

/** A model as the bots and the gallery show it. */
export interface CatalogModel {
  /** `owner/name`. */
  ref: string;
  owner: string;
  name: string;
  description: string;
  runCount: number;
  coverImageUrl?: string;
  collection: CatalogCollection;
  versionId?: string;
  /** A required input takes an image: the form must ask for an attachment. */
  needsImage: boolean;
}

/** What the catalog keeps about one model: enough to rebuild its fields without asking again. */
export interface CatalogModelDetail {
  model: CatalogModel;
  versionId?: string;
  openapiSchema?: unknown;
}

function fieldsOrUndefined(schema: unknown, ref: string): Field[] | undefined {
  if (schema === undefined || schema === null) return undefined;
  try {
    return fieldsFromSchema(schema, ref);
  } catch {
    return undefined;
  }
}

/** Maps a Replicate model object to a catalog entry; `collection` is where it was listed. */
export function toCatalogModel(model: ReplicateModel, collection: CatalogCollection): CatalogModel {
  const ref = `${model.owner}/${model.name}`;
  const fields = fieldsOrUndefined(model.latest_version?.openapi_schema, ref);
  const needsImage = fields
    ? fields.some((field) => field.kind === 'image' && field.required)
    : collection === 'image-to-video';
  const entry: CatalogModel = {
    ref,
    owner: model.owner,
    name: model.name,
    description: model.description?.trim() ?? '',
    runCount: model.run_count ?? 0,
    collection,
    needsImage,
  };
  if (model.cover_image_url) entry.coverImageUrl = model.cover_image_url;
  if (model.latest_version?.id) entry.versionId = model.latest_version.id;
  return entry;
}

/** Ranks models for a typed query: name matches first, then owner, then description; then runs. */
export function rankModels(models: CatalogModel[], text: string): CatalogModel[] {
  const query = text.trim().toLowerCase();
  const terms = query.split(/\s+/).filter(Boolean);
  const scored = models.flatMap((model) => {
    const ref = model.ref.toLowerCase();
    const name = model.name.toLowerCase();
    const owner = model.owner.toLowerCase();
    const description = model.description.toLowerCase();
    let score = 0;
    if (query && ref === query) score += 1000;
    if (query && name === query) score += 500;
    for (const term of terms) {
      let termScore = 0;
      if (name.startsWith(term)) termScore = 60;
      else if (name.includes(term)) termScore = 40;
      else if (owner.startsWith(term)) termScore = 30;
      else if (ref.includes(term)) termScore = 20;
      else if (description.includes(term)) termScore = 10;
      // Every word has to be found somewhere, as in any autocomplete.
      if (termScore === 0) return [];
      score += termScore;
    }
    return [{ model, score }];
  });
  return scored
    .sort(
      (a, b) =>
        b.score - a.score || b.model.runCount - a.model.runCount || a.model.ref.localeCompare(b.model.ref),
    )
    .map(({ model }) => model);
}
