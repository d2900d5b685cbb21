import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerationStore, openDatabase } from '../../../src/core/store/index.js';
import { partFiles } from '../cli/process-helpers.js';
import {
  alice,
  type FakeReplicate,
  startFakeReplicate,
  startService,
  tempDataDir,
  until,
  waitForEvent,
  waitForFinal,
} from './harness.js';

let fake: FakeReplicate;
const model = 'minimax/video-01';

beforeAll(async () => {
  fake = await startFakeReplicate();
});
afterAll(() => fake.close());

describe('download claims', () => {
  it('stops a download whose claim another process took over, and takes it back once that one stops beating', async () => {
    fake.state.predictions.configure(model, { steps: 1, tickMs: 1, output: 'slow', trickleMs: 20 });
    const dataDir = tempDataDir();
    const sut = startService(fake, { dataDir, timings: { claimHeartbeatMs: 20, claimLeaseMs: 1000 } });
    // Another process on the same database, as `reelbot start` on a second machine would be.
    const other = openDatabase(dataDir);
    try {
      const started = await sut.service.start({ requester: alice, model, values: { prompt: 'contested' } });
      const downloading = await waitForEvent(
        sut,
        (e) => e.generation.id === started.id && e.type === 'downloading',
      );
      const entry = fake.state.predictions.predictions.get(downloading.generation.predictionId!)!;
      await until(() => partFiles(dataDir).length === 1);

      // This process froze past the lease, and the other took the claim over (as the guarded
      // UPDATE lets it): the next beat here finds the claim gone and stops downloading.
      const stolenAt = Date.now();
      other
        .prepare('UPDATE generations SET download_claim = ?, download_heartbeat_at = ? WHERE id = ?')
        .run('w_other', stolenAt, started.id);
      await until(() => partFiles(dataDir).length === 0);
      expect(entry.completeDownloads).toBe(0);
      expect((await sut.store.get(started.id))?.status).toBe('downloading');
      expect((await sut.store.internals(started.id))?.downloadClaim).toBe('w_other');

      // The other process dies without a beat: one lease later the claim comes back here.
      entry.behaviour.output = 'video';
      const done = await waitForFinal(sut, started.id);
      expect(done.status).toBe('succeeded');
      expect(entry.downloads).toBe(2);
      expect(entry.completeDownloads).toBe(1);
      expect(sut.events.filter((e) => e.type === 'succeeded')).toHaveLength(1);
      expect((await createGenerationStore(other).internals(started.id))?.downloadClaim).toBeUndefined();
    } finally {
      other.close();
      await sut.close();
    }
  });
});
