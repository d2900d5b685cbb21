import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { interpretBuiltin } from '../../../../src/simulation/interpreter/builtin/index.js';
import { interpretPrompt } from '../../../../src/simulation/interpreter/index.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../../fakes/openai/server.js';

let fake: FakeOpenAI;
const openai = () => ({ apiKey: 'sk-test', baseUrl: fake.baseUrl, model: 'gpt-4o-mini', maxRetries: 1 });
const prompt = 'two red balls on a blue box';

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: 'sk-test' });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe('OpenAI interpreter, against a fake chat completions endpoint', () => {
  it('asks for structured output and uses the answer, clamped into bounds', async () => {
    fake.answer({
      kind: 'json',
      value: {
        duration: 45,
        objects: [
          { shape: 'box', size: [2, 1, 2], position: [0, 0.5, 0], color: '#2f6fd6', body: 'static' },
          { shape: 'sphere', size: [0.5, 0.5, 0.5], position: [-0.4, 1.3, 0], color: '#d8342c' },
          { shape: 'sphere', size: [0.5, 0.5, 0.5], position: [0.4, 1.3, 0], color: '#d8342c' },
        ],
        camera: { position: [4, 3, 6], lookAt: [0, 1, 0] },
      },
    });
    const result = await interpretPrompt(prompt, { seed: 42, openai: openai() });
    expect(result.interpreter).toBe('openai');
    expect(result.fallbackReason).toBeUndefined();
    expect(result.scene.duration).toBe(20);
    expect(result.scene.seed).toBe(42);
    expect(result.scene.objects.map((o) => o.shape)).toEqual(['box', 'sphere', 'sphere']);
    expect(result.scene.camera.position).toEqual([4, 3, 6]);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.authorization).toBe('Bearer sk-test');
    expect(request!.body).toMatchObject({
      model: 'gpt-4o-mini',
      seed: 42,
      response_format: { type: 'json_schema', json_schema: { name: 'physics_scene' } },
    });
    const messages = request!.body.messages as { role: string; content: string }[];
    expect(messages.at(-1)).toEqual({ role: 'user', content: prompt });
    const schema = (request!.body.response_format as { json_schema: { schema: { properties: object } } })
      .json_schema.schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['objects', 'camera', 'duration', 'fps']),
    );
  });

  it('falls back to the built-in interpreter on malformed JSON', async () => {
    fake.answer({ kind: 'text', text: '{"objects": [ {"shape": "box", ' });
    const result = await interpretPrompt(prompt, { seed: 3, openai: openai() });
    expect(result.interpreter).toBe('builtin');
    expect(result.fallbackReason).toMatch(/^SCENE_INTERPRETER_FAILED: .*malformed JSON/);
    expect(result.scene).toEqual(interpretBuiltin(prompt, 3));
  });

  it('falls back when the answer is JSON but no usable scene', async () => {
    fake.answer({ kind: 'json', value: { objects: 'lots', fps: 'fast' } });
    const result = await interpretPrompt(prompt, { openai: openai() });
    expect(result.interpreter).toBe('builtin');
    expect(result.fallbackReason).toMatch(/unusable scene/);
  });

  it('falls back when the service fails, after the client retried once', async () => {
    fake.answer({ kind: 'error', status: 500, message: 'The server had an error' });
    const result = await interpretPrompt(prompt, { seed: 3, openai: openai() });
    expect(result.interpreter).toBe('builtin');
    expect(result.fallbackReason).toMatch(/^SCENE_INTERPRETER_FAILED: .*500/);
    expect(result.scene).toEqual(interpretBuiltin(prompt, 3));
    expect(fake.requests).toHaveLength(2);
  });

  it('falls back on a rejected key without retrying', async () => {
    fake.answer({ kind: 'json', value: { objects: [] } });
    const result = await interpretPrompt(prompt, { openai: { ...openai(), apiKey: 'sk-wrong' } });
    expect(result.interpreter).toBe('builtin');
    expect(result.fallbackReason).toMatch(/401/);
    expect(fake.requests).toHaveLength(1);
  });

  it('uses the built-in interpreter without asking anyone when no key is configured', async () => {
    const result = await interpretPrompt(prompt, { seed: 1 });
    expect(result).toEqual({
      scene: interpretBuiltin(prompt, 1),
      interpreter: 'builtin',
      reading: '2 red balls, a blue box',
    });
    expect(fake.requests).toHaveLength(0);
  });
});
