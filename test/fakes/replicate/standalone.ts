/**
 * The fake Replicate in a process of its own, for benchmarks that must not count the fake's CPU
 * and memory as ours. Prints `{"apiUrl","baseUrl","token"}` as one line on stdout once it listens,
 * and stops when its stdin closes.
 *
 *   node --import tsx test/fakes/replicate/standalone.ts '{"default":{"steps":4,"tickMs":5},"models":{"tencent/hunyuan-video":{"output":"huge"}}}'
 */
import type { FakeModelBehaviour } from './predictions.js';
import { startFakeReplicate } from './server.js';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  default?: FakeModelBehaviour;
  models?: Record<string, FakeModelBehaviour>;
};
const fake = await startFakeReplicate();
// A benchmark sends hundreds of requests; keeping each one's body would grow the fake, not us.
fake.state.requests.push = () => 0;
if (config.default) fake.state.predictions.defaultBehaviour = config.default;
for (const [model, behaviour] of Object.entries(config.models ?? {}))
  fake.state.predictions.configure(model, behaviour);
process.stdout.write(
  `${JSON.stringify({ apiUrl: fake.apiUrl, baseUrl: fake.baseUrl, token: fake.state.token })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void fake.close().then(() => process.exit(0));
});
