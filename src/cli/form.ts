import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildDiscordModals, validateDiscordModal } from '../bots/discord/form/index.js';
import { buildSlackModals, validateSlackView } from '../bots/slack/form/index.js';
import { FileError } from '../core/errors.js';
import { readFileCapped } from '../core/read-capped.js';
import { fieldsFromSchema } from '../core/replicate/schema.js';

/** Real schemas are tens of KB; the cap only keeps a wrong file from filling memory. */
export const maxSchemaBytes = 2 * 1024 * 1024;

const usage = 'Usage: reelbot form --schema FILE.json --platform discord|slack [--model OWNER/NAME]\n';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Finds the OpenAPI schema and the model's name in what a user may hand us: the fixture wrapper
 * (`{owner, name, openapi_schema}`), a model object (`latest_version.openapi_schema`) or a bare
 * `openapi_schema`.
 */
export function readSchemaFile(content: unknown, file: string): { schema: unknown; ref: string } {
  const fromFile = path.basename(file, path.extname(file)).replace('__', '/');
  if (!isObject(content)) return { schema: content, ref: fromFile };
  const named = typeof content.owner === 'string' && typeof content.name === 'string';
  const ref = named ? `${content.owner}/${content.name}` : fromFile;
  if ('openapi_schema' in content) return { schema: content.openapi_schema, ref };
  const latest = content.latest_version;
  if (isObject(latest) && 'openapi_schema' in latest) return { schema: latest.openapi_schema, ref };
  return { schema: content, ref };
}

/** `reelbot form`: prints the Discord modal pages or the Slack view built for a schema. */
export async function run(argv: string[]): Promise<number> {
  let values: { schema?: string; platform?: string; model?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        schema: { type: 'string' },
        platform: { type: 'string' },
        model: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`reelbot form: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (!values.schema || (values.platform !== 'discord' && values.platform !== 'slack')) {
    process.stderr.write(`reelbot form: --schema and --platform discord|slack are needed\n${usage}`);
    return 2;
  }
  let content: unknown;
  try {
    const bytes = await readFileCapped(
      values.schema,
      maxSchemaBytes,
      'schema file',
      'real model schemas are tens of KB, so this is not one',
    );
    content = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    process.stderr.write(
      error instanceof FileError
        ? `reelbot form: ${error.message}\n`
        : `reelbot form: cannot read ${values.schema}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const found = readSchemaFile(content, values.schema);
  const ref = values.model ?? found.ref;
  const fields = fieldsFromSchema(found.schema, ref);
  const name = ref.split('/').at(-1) ?? ref;

  let output: unknown;
  let problems: string[];
  if (values.platform === 'discord') {
    const modals = buildDiscordModals({ ref, name }, fields, 'reelbot:form');
    problems = modals.flatMap((modal, i) => validateDiscordModal(modal).map((p) => `page ${i + 1}: ${p}`));
    output = modals;
  } else {
    const views = buildSlackModals(ref, fields, { privateMetadata: JSON.stringify({ model: ref }) });
    problems = views.flatMap((view, i) => validateSlackView(view).map((p) => `view ${i + 1}: ${p}`));
    // One view holds every input of nearly every model; print it bare then.
    output = views.length === 1 ? views[0] : views;
  }
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  if (problems.length > 0) {
    process.stderr.write(
      `reelbot form: the ${values.platform} form breaks platform limits:\n  ${problems.join('\n  ')}\n`,
    );
    return 1;
  }
  return 0;
}
