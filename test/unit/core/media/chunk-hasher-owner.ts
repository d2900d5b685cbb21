/**
 * A process that hashes on the worker thread and then has nothing left to do: it must exit by
 * itself. `digest` prints the sha256 first; `abandon` leaves a hash half-fed, as a download cut
 * off by a shutdown does.
 */
import { hashChunksOffThread } from '../../../../src/core/media/chunk-hasher.js';

const hash = hashChunksOffThread();
for (let i = 0; i < 3; i++) hash.update([Buffer.allocUnsafeSlow(1024 * 1024).fill(i)]);
if (process.argv[2] === 'digest') process.stdout.write(`${await hash.digest()}\n`);
