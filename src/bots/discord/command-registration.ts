import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type REST, type RESTPutAPIApplicationCommandsJSONBody, Routes } from 'discord.js';
import type { Logger } from '../../core/logger.js';
import type { CatalogCache } from '../../core/replicate/catalog-cache.js';

/** `commands.json` at the repository root: the slash commands exactly as Discord's API takes them. */
export const commandsFile = path.resolve(import.meta.dirname, '../../../commands.json');

/** Reads the command definitions. */
export function loadCommands(file: string = commandsFile): RESTPutAPIApplicationCommandsJSONBody {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RESTPutAPIApplicationCommandsJSONBody;
}

export interface RegisterCommandsOptions {
  rest: REST;
  applicationId: string;
  /** Registers in one guild (instant, for testing a bot) instead of globally. */
  guildId?: string;
  commands?: RESTPutAPIApplicationCommandsJSONBody;
  /** When given, the hash of what was pushed is kept here and an unchanged set is not pushed again. */
  cache?: CatalogCache;
  /** Push even when the hash says nothing changed. */
  force?: boolean;
  logger?: Logger;
}

export interface RegisterCommandsResult {
  /** Whether a PUT was sent. */
  pushed: boolean;
  count: number;
  scope: string;
}

function hashOf(commands: unknown): string {
  return createHash('sha256').update(JSON.stringify(commands)).digest('hex');
}

/**
 * Overwrites the application's commands with `commands.json` (one bulk PUT, which Discord treats as
 * the whole set: removed commands disappear). With a cache, skips the PUT when the set is the one
 * pushed last time, so `reelbot start` does not spend Discord's daily command-create budget.
 */
export async function registerCommands(options: RegisterCommandsOptions): Promise<RegisterCommandsResult> {
  const commands = options.commands ?? loadCommands();
  const scope = options.guildId ? `guild:${options.guildId}` : 'global';
  const key = `discord:commands:${options.applicationId}:${scope}`;
  const hash = hashOf(commands);
  if (!options.force && (await options.cache?.get<{ hash: string }>(key))?.value.hash === hash) {
    options.logger?.debug({ scope }, 'Discord commands unchanged; not registering');
    return { pushed: false, count: commands.length, scope };
  }
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  await options.rest.put(route, { body: commands });
  await options.cache?.set(key, { hash });
  options.logger?.info({ scope, count: commands.length }, 'Discord commands registered');
  return { pushed: true, count: commands.length, scope };
}
