import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planRole } from '../../src/cli/roles.js';
import { loadConfig } from '../../src/core/config.js';

// There is no Docker engine where the tests run: this reads docker-compose.yml as compose would
// (YAML with merge keys, then ${VAR:-default} interpolation) and checks it against the code.

const root = path.resolve(import.meta.dirname, '../..');
const composeText = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const configText = fs.readFileSync(path.join(root, 'src/core/config.ts'), 'utf8');
const cliText = fs.readFileSync(path.join(root, 'src/cli.ts'), 'utf8');
const envExample = fs.readFileSync(path.join(root, '.env.example'), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  env_file?: string | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  ports?: string[];
  restart?: string;
  deploy?: { replicas?: number };
}

const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const reelbotServices = Object.entries(services).filter(([, service]) => service.build === '.');

/** The names envSchema in config.ts reads: reelbot's whole environment. */
const configVariables = new Set(
  [...configText.slice(configText.indexOf('const envSchema')).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map(
    (match) => match[1]!,
  ),
);
const subcommands = new Set(
  [...cliText.slice(cliText.indexOf('const subcommands')).matchAll(/^ {2}'?([a-z][a-z-]*)'?: \{/gm)].map(
    (match) => match[1]!,
  ),
);
/** Variables compose itself substitutes (`${NAME:-default}`), with their defaults. */
const interpolated = new Map(
  [...composeText.matchAll(/\$\{([A-Z_]+):-([^}]*)\}/g)].map((match) => [match[1]!, match[2]!]),
);
const interpolate = (value: string) =>
  value.replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_, _name: string, fallback: string) => fallback);

describe('docker-compose.yml', () => {
  it('has the engines, one bot, one web and two workers, all built from the Dockerfile', () => {
    expect(services.redis?.image).toBe('redis:7');
    expect(services.postgres?.image).toBe('postgres:15');
    expect(services.minio?.image).toMatch(/^minio\/minio/);
    expect(services['minio-bucket']?.image).toMatch(/^minio\/mc/);
    expect(String(services['minio-bucket']?.command)).toContain('mc mb --ignore-existing local/reelbot');
    expect(reelbotServices.map(([name]) => name).sort()).toEqual(['bot', 'web', 'worker']);
    expect(services.worker?.deploy?.replicas).toBe(2);
    expect(services.bot?.deploy?.replicas ?? 1).toBe(1);
    expect(services.web?.ports).toEqual(['3000:3000']);
    expect(services.web?.environment?.PORT).toBe('3000');
  });

  it('runs only real reelbot subcommands and roles, each valid with the environment it gets', () => {
    const roles: string[] = [];
    for (const [name, service] of reelbotServices) {
      const command = service.command as string[];
      expect(command[0], name).toBe('bin/reelbot');
      expect(subcommands.has(command[1]!), `${name}: reelbot ${command[1]}`).toBe(true);
      const role = command[1] === 'worker' ? 'worker' : command[command.indexOf('--role') + 1];
      // What the process would read: the tokens from .env plus the service's own environment.
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]),
      );
      const config = loadConfig(env);
      expect(() => planRole(role, config), name).not.toThrow();
      roles.push(role!);
    }
    expect(roles.sort()).toEqual(['bot', 'web', 'worker']);
  });

  it('sets only variables reelbot reads, and takes the tokens from .env', () => {
    for (const [name, service] of reelbotServices) {
      expect(service.env_file, name).toBe('.env');
      for (const variable of Object.keys(service.environment ?? {}))
        expect(
          configVariables.has(variable),
          `${name} sets ${variable}, which src/core/config.ts does not read`,
        ).toBe(true);
    }
    // Every name in .env.example is one reelbot reads, or one compose substitutes for its services.
    const exampleNames = [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!);
    expect(exampleNames).toContain('REPLICATE_API_TOKEN');
    for (const variable of exampleNames)
      expect(
        configVariables.has(variable) || interpolated.has(variable),
        `.env.example has ${variable}, which neither reelbot nor docker-compose.yml reads`,
      ).toBe(true);
  });

  it('starts each service after what it needs is up: healthy, or the bucket made', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [needed, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[needed];
        expect(target, `${name} depends on ${needed}, which is not a service`).toBeDefined();
        if (condition === 'service_healthy')
          expect(target?.healthcheck?.test?.length, `${needed} needs a healthcheck`).toBeGreaterThan(0);
        else expect(condition, `${name} -> ${needed}`).toBe('service_completed_successfully');
        if (condition === 'service_completed_successfully') expect(target?.restart).toBe('no');
      }
    }
    for (const [name] of reelbotServices)
      expect(Object.keys(services[name]?.depends_on ?? {}).sort()).toEqual([
        'minio-bucket',
        'postgres',
        'redis',
      ]);
    // The web service is checked on the route the image's own HEALTHCHECK uses.
    expect(services.web?.healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:3000/healthz');
  });
});
