import fs from 'node:fs';
import path from 'node:path';
import type { ReplicateModel } from '../../../src/core/replicate/types.js';

/** Where the real schemas live: `test/fixtures/replicate/schemas/` (provenance in its README). */
export const schemaFixtureDir = path.resolve(import.meta.dirname, '../../fixtures/replicate/schemas');

/** A fixture file: a real model's schema with where it came from. */
export interface SchemaFixture {
  owner: string;
  name: string;
  version_id: string;
  openapi_schema: Record<string, unknown>;
}

export function loadSchemaFixtures(): SchemaFixture[] {
  return fs
    .readdirSync(schemaFixtureDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(fs.readFileSync(path.join(schemaFixtureDir, file), 'utf8')) as SchemaFixture);
}

/** True when a schema's required inputs include an image: the model animates one. */
function needsImage(fixture: SchemaFixture): boolean {
  const input = (fixture.openapi_schema as { components?: { schemas?: { Input?: { required?: string[] } } } })
    .components?.schemas?.Input;
  return (input?.required ?? []).some((name) => /image|frame/.test(name));
}

/** One fixture as the API returns the model; `runCount` orders collection listings. */
export function modelFromFixture(fixture: SchemaFixture, runCount = 1000): ReplicateModel {
  return {
    url: `https://replicate.com/${fixture.owner}/${fixture.name}`,
    owner: fixture.owner,
    name: fixture.name,
    description: `${fixture.owner}/${fixture.name}: ${needsImage(fixture) ? 'animates an image' : 'makes a video from text'}`,
    visibility: 'public',
    run_count: runCount,
    cover_image_url: null,
    latest_version: {
      id: fixture.version_id,
      created_at: '2024-01-01T00:00:00Z',
      cog_version: '0.9.0',
      openapi_schema: fixture.openapi_schema,
    },
  };
}

/** Builds model objects as the API returns them, from the fixtures. */
export function fixtureModels(): ReplicateModel[] {
  return loadSchemaFixtures().map((fixture, index) => modelFromFixture(fixture, 1000 * (index + 1)));
}

/** The two collections reelbot reads, split by whether the model needs an image. */
export function fixtureCollections(models: ReplicateModel[]) {
  const imageModels = new Set(
    loadSchemaFixtures()
      .filter(needsImage)
      .map((fixture) => `${fixture.owner}/${fixture.name}`),
  );
  return {
    'text-to-video': {
      slug: 'text-to-video',
      name: 'Generate videos',
      description: 'Models that create and edit videos',
      models: models.filter((m) => !imageModels.has(`${m.owner}/${m.name}`)),
    },
    'image-to-video': {
      slug: 'image-to-video',
      name: 'Image to video',
      description: 'Models that animate images',
      models: models.filter((m) => imageModels.has(`${m.owner}/${m.name}`)),
    },
  };
}
