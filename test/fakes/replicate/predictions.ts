import type { FakeRoute } from './http.js';
import type { FakeReplicateState } from './server.js';

/** Predictions, files and webhook state of the fake. (Filled in by the generation lifecycle work.) */
export interface PredictionState {
  stop(): void;
}

export function createPredictionState(): PredictionState {
  return { stop() {} };
}

export const predictionRoutes: FakeRoute<FakeReplicateState>[] = [];
