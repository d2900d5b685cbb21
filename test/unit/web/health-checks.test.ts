import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createFfmpegCheck } from '../../../src/web/health-checks.js';

describe('ffmpeg health check', () => {
  it('asks again after a failure, and remembers success', async () => {
    const commands: string[] = [];
    // The first look finds no ffmpeg (as before an install); later looks find the real one.
    const spawnProcess = ((command: string, args: string[], options: object) => {
      commands.push(command);
      return spawn(commands.length === 1 ? 'reelbot-no-such-ffmpeg' : command, args, options);
    }) as unknown as typeof spawn;
    const check = createFfmpegCheck('ffmpeg', spawnProcess);

    expect(await check()).toEqual({ ok: false, error: 'ffmpeg not found' });
    expect(await check()).toMatchObject({ ok: true, version: expect.any(String) });
    expect(await check()).toMatchObject({ ok: true });
    expect(commands).toHaveLength(2);
  });
});
