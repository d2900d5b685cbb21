import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../../src/cli/simulate.js';
import { createGenerationStore, openDatabase } from '../../../src/core/store/index.js';
import { materialTable } from '../../../src/simulation/scene/materials.js';
import { parseScene } from '../../../src/simulation/scene/validate.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai/server.js';
import { fakeMedia } from '../../fakes/replicate/media.js';

let dir: string;
let fake: FakeOpenAI;

function output() {
  let text = '';
  return {
    write: (chunk: string) => (text += chunk),
    get text() {
      return text;
    },
  };
}

const small = {
  duration: 1,
  fps: 24,
  resolution: { width: 320, height: 240 },
  objects: [
    { shape: 'sphere', size: [1, 1, 1], position: [0, 3, 0], color: '#2f6fd6' },
    { shape: 'box', size: [1, 1, 1], position: [1.2, 0.5, 0], color: '#d8342c' },
  ],
  camera: { position: [4, 3, 6], lookAt: [0, 1, 0] },
};

beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'reelbot-simulate-'));
  fake = await startFakeOpenAI({ apiKey: 'sk-test' });
});
afterAll(async () => {
  await fake.close();
  await fs.promises.rm(dir, { recursive: true, force: true });
});

async function generationsIn(dataDir: string) {
  const db = openDatabase(dataDir);
  try {
    return (await createGenerationStore(db).list({ source: 'simulation' })).items;
  } finally {
    db.close();
  }
}

describe('reelbot simulate', () => {
  it('renders a scene file, records it as a generation with its media, and copies it to --out', async () => {
    const dataDir = path.join(dir, 'scene-file');
    const sceneFile = path.join(dir, 'scene.json');
    await fs.promises.writeFile(sceneFile, JSON.stringify(small));
    const out = path.join(dir, 'copies', 'ball.mp4');
    const stdout = output();
    const stderr = output();
    const code = await simulate({
      argv: ['a ball drops next to a box', '--scene', sceneFile, '--seed', '9', '--out', out],
      env: { DATA_DIR: dataDir },
      stdout,
      stderr,
      requester: { platform: 'cli', userId: 'tester' },
    });
    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    // The file decided everything: --seed picks how a sentence is read, and no seed is shown or kept.
    expect(stdout.text).toMatch(/2 objects, 1 s at 320x240, 24 fps, as the scene file says\n/);
    expect(stdout.text).not.toMatch(/seed/i);
    expect(stdout.text).toMatch(/Rendering frame 24\/24/);

    const [generation, ...others] = await generationsIn(dataDir);
    expect(others).toHaveLength(0);
    expect(generation).toMatchObject({
      source: 'simulation',
      model: 'physics',
      prompt: 'a ball drops next to a box',
      status: 'succeeded',
      progress: 100,
      requester: { platform: 'cli', userId: 'tester' },
      media: {
        path: `media/${generation!.id}.mp4`,
        posterPath: `media/${generation!.id}.poster.jpg`,
        mime: 'video/mp4',
        width: 320,
        height: 240,
        durationSeconds: 1,
      },
    });
    expect(generation!.seed).toBeUndefined();
    expect(generation!.input.seed).toBeUndefined();
    expect(generation!.input.scene).toMatchObject({ objects: [{ shape: 'sphere' }, { shape: 'box' }] });
    expect(stdout.text).toContain(`Generation ${generation!.id}`);

    const video = await fs.promises.readFile(path.join(dataDir, generation!.media!.path));
    expect(generation!.media!.bytes).toBe(video.length);
    expect(generation!.media!.sha256).toBe(createHash('sha256').update(video).digest('hex'));
    const poster = await fs.promises.readFile(path.join(dataDir, generation!.media!.posterPath!));
    expect(poster.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect((await fs.promises.readFile(out)).equals(video)).toBe(true);
    // Work files are gone.
    expect(await fs.promises.readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  });

  it('copies into a folder --out names, as cp does, and refuses an --out it cannot write before rendering', async () => {
    const dataDir = path.join(dir, 'out-folder');
    const sceneFile = path.join(dir, 'out-scene.json');
    await fs.promises.writeFile(sceneFile, JSON.stringify(small));
    const folder = path.join(dir, 'videos');
    await fs.promises.mkdir(folder);
    const stdout = output();
    const stderr = output();
    expect(
      await simulate({
        argv: ['--scene', sceneFile, '--out', folder],
        env: { DATA_DIR: dataDir },
        stdout,
        stderr,
      }),
    ).toBe(0);
    expect(stderr.text).toBe('');
    const [generation] = await generationsIn(dataDir);
    const copy = path.join(folder, `${generation!.id}.mp4`);
    expect(stdout.text).toContain(`Copied to ${copy}\n`);
    expect(
      (await fs.promises.readFile(copy)).equals(
        await fs.promises.readFile(path.join(dataDir, generation!.media!.path)),
      ),
    ).toBe(true);

    // A folder not made yet, named as one (a trailing slash): made, and the video put in it.
    const newFolder = path.join(dir, 'new-videos');
    const again = output();
    expect(
      await simulate({
        argv: ['--scene', sceneFile, '--out', `${newFolder}/`],
        env: { DATA_DIR: dataDir },
        stdout: again,
        stderr: output(),
      }),
    ).toBe(0);
    expect(fs.readdirSync(newFolder)).toEqual([expect.stringMatching(/^g_\w+\.mp4$/)]);

    // Under a file, no folder can be made: said before anything renders or is recorded.
    const underFile = path.join(sceneFile, 'ball.mp4');
    const refused = output();
    const elsewhere = path.join(dir, 'out-refused');
    expect(
      await simulate({
        argv: ['--scene', sceneFile, '--out', underFile],
        env: { DATA_DIR: elsewhere },
        stdout: output(),
        stderr: refused,
      }),
    ).toBe(1);
    expect(refused.text).toBe(
      `reelbot simulate: reelbot cannot write the video to ${underFile}: ${sceneFile} is a file, not a folder.\n`,
    );
    expect(fs.existsSync(elsewhere)).toBe(false);
  });

  it('asks OpenAI for the scene when a key is configured', async () => {
    fake.answer({ kind: 'json', value: small });
    const dataDir = path.join(dir, 'openai');
    const stdout = output();
    const code = await simulate({
      argv: ['a blue ball falls beside a red box'],
      env: {
        DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_MODEL: 'gpt-test',
      },
      stdout,
      stderr: output(),
    });
    expect(code).toBe(0);
    expect(stdout.text).toContain('Scene by gpt-test: 2 objects');
    // The prompt also went through OpenAI moderation; the scene came from the chat model.
    const completions = fake.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(completions.at(-1)!.body.model).toBe('gpt-test');
    expect((await generationsIn(dataDir))[0]).toMatchObject({
      status: 'succeeded',
      prompt: 'a blue ball falls beside a red box',
    });
  });

  it('names every bad path of a scene file and renders nothing', async () => {
    const dataDir = path.join(dir, 'bad');
    const sceneFile = path.join(dir, 'bad.json');
    const bad = structuredClone(small);
    bad.objects[1]!.size = [1, 0, 1];
    (bad as { fps: number }).fps = 25;
    await fs.promises.writeFile(sceneFile, JSON.stringify(bad));
    const stderr = output();
    const code = await simulate({
      argv: ['--scene', sceneFile],
      env: { DATA_DIR: dataDir },
      stdout: output(),
      stderr,
    });
    expect(code).toBe(1);
    expect(stderr.text).toContain('  - fps must be 24, 30 or 60');
    expect(stderr.text).toContain('  - objects[1].size[1] must be > 0');
    expect(fs.existsSync(path.join(dataDir, 'reelbot.sqlite'))).toBe(false);
  });

  it('says what a scene file that is not JSON is, without printing its bytes, and reads one with a BOM', async () => {
    const dataDir = path.join(dir, 'not-json');
    const picture = path.join(dir, 'scene.png');
    await fs.promises.copyFile((await fakeMedia()).image, picture);
    const stderr = output();
    const code = await simulate({
      argv: ['--scene', picture],
      env: { DATA_DIR: dataDir },
      stdout: output(),
      stderr,
    });
    // A broken file, as an invalid scene is: 1, not the 2 of a command-line mistake.
    expect(code).toBe(1);
    expect(stderr.text).toBe(
      `reelbot simulate: The scene file ${picture} is not a scene: it is a PNG image, not JSON.\n`,
    );
    expect(fs.existsSync(path.join(dataDir, 'reelbot.sqlite'))).toBe(false);

    // Saved by a Windows editor: a byte order mark first, and CRLF line ends.
    const windows = path.join(dir, 'windows.json');
    await fs.promises.writeFile(windows, `\ufeff${JSON.stringify(small, null, 2).replaceAll('\n', '\r\n')}`);
    const stdout = output();
    expect(
      await simulate({
        argv: ['--scene', windows, '--scene-only'],
        env: { DATA_DIR: dataDir },
        stdout,
        stderr: output(),
      }),
    ).toBe(0);
    expect(stdout.text).toContain('2 objects, 1 s at 320x240');
  });

  it('explains its usage', async () => {
    const stderr = output();
    expect(await simulate({ argv: [], env: { DATA_DIR: dir }, stdout: output(), stderr })).toBe(2);
    expect(stderr.text).toContain('Usage: reelbot simulate "PROMPT"');
    expect(
      await simulate({ argv: ['x', '--seed', '1.5'], env: { DATA_DIR: dir }, stdout: output(), stderr }),
    ).toBe(2);
    expect(stderr.text).toContain('--seed 1.5: seed must be a whole number');
    expect(
      await simulate({ argv: ['x', '--duration', '30'], env: { DATA_DIR: dir }, stdout: output(), stderr }),
    ).toBe(2);
    expect(stderr.text).toContain('duration must be from 1 to 10 seconds');
    expect(await simulate({ argv: ['x', '--bogus'], env: { DATA_DIR: dir }, stdout: output(), stderr })).toBe(
      2,
    );
    expect(stderr.text).toContain("reelbot simulate: Unknown option '--bogus'");
    // --out copies the video, which --scene-only does not make: said, rather than ignored.
    expect(
      await simulate({
        argv: ['x', '--scene-only', '--out', path.join(dir, 'x.mp4')],
        env: { DATA_DIR: dir },
        stdout: output(),
        stderr,
      }),
    ).toBe(2);
    expect(stderr.text).toContain(
      'reelbot simulate: --scene-only makes no video for --out to copy; to keep the scene, redirect it: > scene.json',
    );
    // Asked for, the usage goes to stdout and is no failure.
    const help = output();
    expect(await simulate({ argv: ['--help'], env: { DATA_DIR: dir }, stdout: help, stderr: output() })).toBe(
      0,
    );
    expect(help.text).toMatch(/^Usage: reelbot simulate "PROMPT"/);
    expect(help.text).toContain('--quality Q');
  });

  it('frames the scene for the chosen shape, length and quality', async () => {
    const stdout = output();
    const code = await simulate({
      argv: [
        '100 dominoes fall in a line',
        // Typed as in chat (`aspect:tall duration:2s`): the CLI reads the options the same way.
        '--aspect',
        'tall',
        '--quality',
        'high',
        '--duration',
        '2s',
        '--scene-only',
      ],
      env: { DATA_DIR: dir },
      stdout,
      stderr: output(),
    });
    expect(code).toBe(0);
    expect(stdout.text).toContain('2 s at 1080x1920');
    const scene = JSON.parse(stdout.text.slice(stdout.text.indexOf('{')));
    expect(scene.resolution).toEqual({ width: 1080, height: 1920 });
  });

  it('counts one object as one, not "1 objects"', async () => {
    const stdout = output();
    const argv = ['a ball falls', '--scene-only'];
    expect(await simulate({ argv, env: { DATA_DIR: dir }, stdout, stderr: output() })).toBe(0);
    expect(stdout.text).toMatch(/^Scene: 1 object, /m);
  });

  it('keeps the shape a sentence asks for when only the quality is chosen', async () => {
    const sized = async (sentence: string, ...choices: string[]) => {
      const stdout = output();
      const argv = [sentence, ...choices, '--scene-only'];
      expect(await simulate({ argv, env: { DATA_DIR: dir }, stdout, stderr: output() })).toBe(0);
      return /at (\d+x\d+)/.exec(stdout.text)![1];
    };
    expect(await sized('a vertical video of a ball')).toBe('608x1080');
    expect(await sized('a vertical video of a ball', '--quality', 'draft')).toBe('480x854');
    expect(await sized('a square video of a ball', '--quality', 'high')).toBe('1080x1080');
    // A chosen aspect still wins over the words, and without words a video is wide.
    expect(await sized('a vertical video of a ball', '--aspect', 'wide', '--quality', 'draft')).toBe(
      '854x480',
    );
    expect(await sized('a ball', '--quality', 'draft')).toBe('854x480');
  });

  it('reads a count the built-in interpreter capped as the count the scene holds', async () => {
    const stdout = output();
    const argv = ['1000 red boxes fall onto a ramp', '--scene-only'];
    expect(await simulate({ argv, env: { DATA_DIR: dir }, stdout, stderr: output() })).toBe(0);
    expect(stdout.text).toContain('Read as: 120 red boxes (capped from 1000), a ramp\n');
    const scene = JSON.parse(stdout.text.slice(stdout.text.indexOf('{')));
    // The ramp is a static box of its own.
    expect(scene.objects.filter((o: { body?: string }) => o.body !== 'static')).toHaveLength(120);
  });

  it('prints the scene as people edit it: a changed material takes, as with the Scene button', async () => {
    const stdout = output();
    const argv = ['a heavy steel ball falls onto a pyramid of wooden crates', '--scene-only'];
    expect(await simulate({ argv, env: { DATA_DIR: dir }, stdout, stderr: output() })).toBe(0);
    const scene = JSON.parse(stdout.text.slice(stdout.text.indexOf('{')));
    const ball = scene.objects.find((o: { material?: string }) => o.material === 'metal');
    ball.material = 'rubber';
    const file = path.join(dir, 'rubber.json');
    await fs.promises.writeFile(file, JSON.stringify(scene));
    const again = output();
    expect(
      await simulate({
        argv: ['--scene', file, '--scene-only'],
        env: { DATA_DIR: dir },
        stdout: again,
        stderr: output(),
      }),
    ).toBe(0);
    const edited = JSON.parse(again.text.slice(again.text.indexOf('{')));
    const rubber = parseScene(edited).objects.find((o) => o.material === 'rubber');
    expect(rubber).toMatchObject({
      density: materialTable.rubber.density,
      metalness: materialTable.rubber.metalness,
    });
  });
});
