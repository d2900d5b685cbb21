import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenerationStore, openDatabase } from '../../../src/core/store/index.js';
import { startFakeOpenAI } from '../../fakes/openai/server.js';
import { modelFromFixture } from '../../fakes/replicate/catalog.js';
import { fakeMedia } from '../../fakes/replicate/media.js';
import { startFakeReplicate } from '../../fakes/replicate/server.js';
import { databaseWithGenerations } from '../../fixtures/databases/index.js';
import { referencePairSchema } from '../../fixtures/schemas/index.js';
import { runReelbot, spawnReelbot, until } from '../../support/reelbot-process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-faults-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A file of `bytes` zeros that takes no disk: what a mistaken path to a big file looks like. */
function sparseFile(name: string, bytes: number): string {
  const file = path.join(tmp, name);
  fs.closeSync(fs.openSync(file, 'w'));
  fs.truncateSync(file, bytes);
  return file;
}

// Each case is a real `bin/reelbot` process; tsx start-up takes seconds on a busy machine.
describe('reelbot refuses what it cannot use, in one sentence', { timeout: 120_000 }, () => {
  it('stops reading a scene at 1 MB, even from /dev/zero', async () => {
    const run = await runReelbot(['simulate', 'x', '--scene', '/dev/zero'], { DATA_DIR: tmp });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'reelbot simulate: The scene file /dev/zero is over 1 MB; scenes are small JSON files, a few KB each.\n',
    );
  });

  it('refuses an image over 10 MB and a schema over 2 MB before doing anything with them', async () => {
    const image = sparseFile('huge.png', 10 * 1024 * 1024 + 1);
    const schema = sparseFile('huge.json', 2 * 1024 * 1024 + 1);
    const [generate, form] = await Promise.all([
      runReelbot(['generate', 'acme/model', '--image', image], { DATA_DIR: tmp }),
      runReelbot(['form', '--schema', schema, '--platform', 'slack'], { DATA_DIR: tmp }),
    ]);
    expect(generate.code).toBe(1);
    expect(generate.stderr).toMatch(
      new RegExp(`^reelbot generate: The image ${image} is over 10 MB;[^\\n]*\\n$`),
    );
    expect(form.code).toBe(1);
    expect(form.stderr).toMatch(
      new RegExp(`^reelbot form: The schema file ${schema} is over 2 MB;[^\\n]*\\n$`),
    );
  });

  it('refuses one image for a model that needs two before uploading it', async () => {
    const replicate = await startFakeReplicate();
    try {
      replicate.addModel(modelFromFixture(referencePairSchema(), 1));
      const run = await runReelbot(
        [
          'generate',
          'synthetic/reference-pair',
          '--input',
          'prompts=two foxes meet',
          '--image',
          (await fakeMedia()).image,
        ],
        { DATA_DIR: path.join(tmp, 'reference-pair'), ...replicate.env },
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'reelbot generate: Please fix: reference_images takes at least 2 images; 1 was given.\n',
      );
      expect(replicate.state.predictions.files.size).toBe(0);
      expect(replicate.state.predictions.predictions.size).toBe(0);
    } finally {
      await replicate.close();
    }
  });

  it('names every bad variable in one message', async () => {
    const run = await runReelbot(['start'], {
      DATA_DIR: tmp,
      ADMIN_TOKEN: 'short',
      DOWNLOAD_ALLOWED_HOSTS: 'evil host',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ADMIN_TOKEN must be at least 16 characters');
    expect(run.stderr).toContain('DOWNLOAD_ALLOWED_HOSTS has "evil host"');
  });

  it('refuses a 100,000-character prompt before interpreting it', async () => {
    const run = await runReelbot(['simulate', 'x'.repeat(100_000)], { DATA_DIR: tmp });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'reelbot simulate: Prompts can be at most 2,000 characters; yours has 100,000.\n',
    );
    expect(run.stdout).not.toContain('Scene');
  });

  it('refuses an empty --out or --scene rather than quietly doing without it', async () => {
    const [out, scene] = await Promise.all([
      runReelbot(['simulate', 'a ball falls', '--out', ''], { DATA_DIR: tmp }),
      runReelbot(['simulate', 'a ball falls', '--scene=', '--scene-only'], { DATA_DIR: tmp }),
    ]);
    expect(out.code, out.stderr).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe(
      'reelbot simulate: --out needs the file (FILE.mp4) or folder to copy the video to',
    );
    expect(out.stdout).toBe('');
    expect(scene.code, scene.stderr).toBe(2);
    expect(scene.stderr.split('\n')[0]).toBe(
      'reelbot simulate: --scene needs the scene file (FILE.json) to read',
    );
    expect(scene.stdout).toBe('');
  });

  it('refuses an --out that is a pipe or a device before rendering, rather than hang or fail after it', async () => {
    // A pipe, as `--out >(ffplay -)` gives; never a real device here: a copy that fails removes
    // its destination, and run as root that would be /dev/null itself.
    const pipe = path.join(tmp, 'video-pipe');
    execFileSync('mkfifo', [pipe]);
    const run = await runReelbot(['simulate', '--scene', ballScene(), '--quality', 'draft', '--out', pipe], {
      DATA_DIR: path.join(tmp, 'out-pipe'),
    });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe(
      `reelbot simulate: reelbot cannot write the video to ${pipe}: it is a pipe, not a file; name a file or a folder.\n`,
    );
    expect(run.stdout).not.toContain('Generation');
  });

  it('says what a negative --seed or --duration may be, in one line, as for any other bad number', async () => {
    const [seed, duration] = await Promise.all([
      runReelbot(['simulate', 'a ball falls', '--seed', '-1', '--scene-only'], { DATA_DIR: tmp }),
      runReelbot(['simulate', 'a ball falls', '--duration', '-3', '--scene-only'], { DATA_DIR: tmp }),
    ]);
    expect(seed.code, seed.stderr).toBe(2);
    expect(seed.stderr).toMatch(
      /^reelbot simulate: --seed -1: seed must be a whole number from 0 to 2147483647\nUsage: /,
    );
    expect(duration.code, duration.stderr).toBe(2);
    expect(duration.stderr).toMatch(
      /^reelbot simulate: --duration -3: duration must be from 1 to 10 seconds\nUsage: /,
    );
  });

  it('reads a scene file saved as UTF-16 with its byte order mark, as Windows tools write text', async () => {
    const scene = JSON.stringify({
      duration: 1,
      objects: [{ shape: 'sphere', size: [1, 1, 1], position: [0, 2, 0] }],
    });
    const little = path.join(tmp, 'utf16le.json');
    const big = path.join(tmp, 'utf16be.json');
    fs.writeFileSync(little, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(scene, 'utf16le')]));
    fs.writeFileSync(big, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(scene, 'utf16le').swap16()]));
    const runs = await Promise.all(
      [little, big].map((file) =>
        runReelbot(['simulate', '--scene', file, '--scene-only'], { DATA_DIR: tmp }),
      ),
    );
    for (const [i, run] of runs.entries()) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(
        `Scene from ${[little, big][i]}: 1 object, 1 s at 1280x720, 30 fps, as the scene file says`,
      );
    }
  });

  it('answers an option `start` does not have with its usage, and `start --help` with the same line', async () => {
    const [port, help] = await Promise.all([
      runReelbot(['start', '--port', '8080'], { DATA_DIR: tmp, PORT: '0' }),
      runReelbot(['start', '--help'], { DATA_DIR: tmp, PORT: '0' }),
    ]);
    const usage = 'Usage: reelbot start [--role all|bot|web|worker]: ';
    expect(port.code, port.stderr).toBe(2);
    expect(port.stderr).toMatch(/^reelbot start: Unknown option '--port'\nUsage: reelbot start /);
    expect(port.stderr).toContain(usage);
    expect(port.stderr).not.toMatch(/^\s+at /m);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain(usage);
    // Nothing was started: no gallery listening, no sign-in link.
    expect(`${port.stdout}${help.stdout}`).not.toContain('reelbot is running');
  });

  it('names a DATA_DIR that is a file instead of a folder, in one sentence', async () => {
    const file = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(file, 'a file where the data folder should be\n');
    const [start, nested] = await Promise.all([
      runReelbot(['start'], { DATA_DIR: file, PORT: '0' }),
      runReelbot(['start'], { DATA_DIR: path.join(file, 'data'), PORT: '0' }),
    ]);
    for (const [run, dir] of [
      [start, file],
      [nested, path.join(file, 'data')],
    ] as const) {
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toBe(
        `reelbot: DATA_DIR ${dir} cannot hold reelbot's data (it is not a folder). Set DATA_DIR to a folder reelbot may create and write files in. [DATA_DIR_UNUSABLE]\n`,
      );
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('a file where the data folder should be\n');
  });

  it('names a damaged, truncated or misplaced database, says what to do, and leaves it as it was', async () => {
    const garbage = await dataDirWith((file) =>
      fs.writeFileSync(file, 'these are not the bytes of a database\n'.repeat(200)),
    );
    const truncated = await dataDirWith((file) =>
      databaseWithGenerations(path.dirname(file), 200, { truncate: true }),
    );
    const directory = await dataDirWith((file) => fs.mkdirSync(file));
    const cases = [
      { dir: garbage, says: 'is damaged or is not an SQLite database', code: 'DATABASE_CORRUPT' },
      { dir: truncated, says: 'is truncated', code: 'DATABASE_CORRUPT' },
      { dir: directory, says: 'is a directory', code: 'DATABASE_NOT_A_FILE' },
    ];
    const before = cases.map(({ dir }) => fingerprint(dir));
    const runs = await Promise.all(
      cases.map(({ dir }) => runReelbot(['start'], { DATA_DIR: dir, PORT: '0' })),
    );
    runs.forEach((run, i) => {
      const { dir, says, code } = cases[i]!;
      const file = path.join(dir, 'reelbot.sqlite');
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(`The database ${file} ${says}`);
      expect(run.stderr).toContain('Restore it from a backup, or move it away');
      expect(run.stderr).toContain(`[${code}]`);
      // One sentence for a person, not a stack trace.
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(fingerprint(dir)).toEqual(before[i]);
    });
  });
});

let dataDirs = 0;
/** A fresh DATA_DIR whose `reelbot.sqlite` `make` puts in place. */
async function dataDirWith(make: (file: string) => unknown): Promise<string> {
  const dir = path.join(tmp, `data-${++dataDirs}`);
  fs.mkdirSync(dir);
  await make(path.join(dir, 'reelbot.sqlite'));
  return dir;
}

/** Every entry of a DATA_DIR with its size and content hash: what "left as it was" means. */
function fingerprint(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = fs.statSync(full);
    entries[name] = stat.isFile()
      ? createHash('sha256').update(fs.readFileSync(full)).digest('hex')
      : `directory of ${fs.readdirSync(full).length}`;
  }
  return entries;
}

/** A one-ball scene of a second: a render that would be over in seconds if nothing stopped it. */
function ballScene(): string {
  const file = path.join(tmp, 'ball.json');
  const scene = { duration: 1, objects: [{ shape: 'sphere', size: [1, 1, 1], position: [0, 2, 0] }] };
  fs.writeFileSync(file, JSON.stringify(scene));
  return file;
}

/** The status DATA_DIR's database records for a generation. */
async function statusIn(dataDir: string, id: string): Promise<string | undefined> {
  const db = openDatabase(dataDir);
  try {
    return (await createGenerationStore(db).get(id))?.status;
  } finally {
    db.close();
  }
}

// The service screens a scene file's prompt with OpenAI moderation before it records the
// generation: holding that answer keeps the process where it does not know the generation's id yet.
describe('Ctrl-C in reelbot simulate', { timeout: 120_000 }, () => {
  it('cancels a render interrupted before its generation had an id, once the id comes, and exits 130', async () => {
    const openai = await startFakeOpenAI({ apiKey: 'sk-test' });
    const dataDir = path.join(tmp, 'interrupted-early');
    const run = spawnReelbot(
      { DATA_DIR: dataDir, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
      { args: ['simulate', '--scene', ballScene(), '--quality', 'draft'] },
    );
    try {
      const moderation = openai.holdModerations();
      await moderation.arrived;
      process.kill(run.pid, 'SIGINT');
      await until(() => run.stderr().includes('Canceling'), 'the interrupt to be heard');
      moderation.release();
      const { code } = await run.gone();
      const id = run.lines.map((line) => /^Generation (\S+)$/.exec(line.msg ?? '')?.[1]).find(Boolean);
      expect(id, run.stderr()).toBeDefined();
      expect(run.stderr()).toBe(`Canceling; Ctrl-C again quits at once.\nCanceled ${id}.\n`);
      expect(code).toBe(130);
      expect(await statusIn(dataDir, id!)).toBe('canceled');
      const made = fs.readdirSync(dataDir, { recursive: true }).map(String);
      expect(made.filter((file) => file.endsWith('.mp4'))).toEqual([]);
    } finally {
      run.kill();
      await openai.close();
    }
  });

  it('cancels a render under way on Ctrl-C, says so and exits 130', async () => {
    const dataDir = path.join(tmp, 'interrupted-rendering');
    const scene = path.join(tmp, 'ten-seconds.json');
    fs.writeFileSync(
      scene,
      JSON.stringify({ duration: 10, objects: [{ shape: 'sphere', size: [1, 1, 1], position: [0, 2, 0] }] }),
    );
    const run = spawnReelbot({ DATA_DIR: dataDir }, { args: ['simulate', '--scene', scene] });
    try {
      const line = await run.waitForLine((line) => /^Generation /.test(line.msg ?? ''), 'the generation');
      const id = line.msg!.slice('Generation '.length);
      process.kill(run.pid, 'SIGINT');
      expect((await run.gone()).code).toBe(130);
      expect(run.stderr()).toBe(`Canceling; Ctrl-C again quits at once.\nCanceled ${id}.\n`);
      expect(await statusIn(dataDir, id)).toBe('canceled');
    } finally {
      run.kill();
    }
  });

  it('ends at once on a second Ctrl-C, without waiting for the cancel', async () => {
    const openai = await startFakeOpenAI({ apiKey: 'sk-test' });
    const run = spawnReelbot(
      {
        DATA_DIR: path.join(tmp, 'interrupted-twice'),
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.baseUrl,
      },
      { args: ['simulate', '--scene', ballScene(), '--quality', 'draft'] },
    );
    try {
      // Never released: the first Ctrl-C can only wait for the id, which never comes.
      await openai.holdModerations().arrived;
      process.kill(run.pid, 'SIGINT');
      await until(() => run.stderr().includes('Canceling'), 'the first interrupt to be heard');
      process.kill(run.pid, 'SIGINT');
      // gone() fails unless the process and everything it started end within 10 s.
      expect(await run.gone()).toEqual({ code: null, signal: 'SIGINT' });
    } finally {
      run.kill();
      await openai.close();
    }
  });
});
