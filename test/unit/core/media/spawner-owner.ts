/**
 * An owner of a spawner in a process of its own, for the tests that kill or end the owner.
 *
 *   node --import tsx spawner-owner.ts hold <fifo>   runs `sleep` holding <fifo> open for writing
 *   node --import tsx spawner-owner.ts finish        runs `true`, then lets the process end
 *
 * Prints `{"spawnerPid":…}` once the spawner runs.
 */
import { createSpawner } from '../../../../src/core/media/spawner.js';

const [mode, fifo] = process.argv.slice(2);
const spawner = createSpawner();
const running =
  mode === 'hold'
    ? spawner.run('sh', ['-c', 'exec 3>"$1"; exec sleep 60', 'sh', fifo!])
    : spawner.run('true', []);
process.stdout.write(`${JSON.stringify({ spawnerPid: spawner.pid })}\n`);
const result = await running;
process.stdout.write(`${JSON.stringify({ code: result.code })}\n`);
