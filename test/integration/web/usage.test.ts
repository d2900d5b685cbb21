import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayMs } from '../../../src/core/generations/spend/day.js';
import type { OperatorUsage } from '../../../src/core/generations/spend/overview.js';
import type { Requester } from '../../../src/core/generations/types.js';
import { createRefusalLog, createSpendOverview } from '../../../src/core/store/index.js';
import { createOperatorSessions } from '../../../src/web/operator-sessions.js';
import {
  ada,
  adminToken,
  bob,
  closeTestServer,
  createTestData,
  startTestServer,
  type TestData,
} from '../../support/web-gallery.js';

let data: TestData;
let server: Awaited<ReturnType<typeof startTestServer>>;
const sessions = createOperatorSessions({ clock: () => data.clock.now });
const auth = { Authorization: `Bearer ${adminToken}` };

beforeAll(async () => {
  data = createTestData({ private: true });
  const start = data.clock.now;
  // Ada's dear video three days ago, Bob's <b>cheap</b> one today, one refusal.
  const made = async (
    at: number,
    requester: Requester,
    model: string,
    costUsd: number,
    predictTime: number,
  ) => {
    data.clock.now = at;
    const g = await data.store.insert({ source: 'replicate', requester, model, input: {} });
    await data.store.recordSpend(g.id, { costUsd, predictTime });
    await data.store.update(g.id, { status: 'succeeded' });
  };
  await made(start - 3 * dayMs, ada, 'a/dear', 2.5, 50);
  await made(start, { ...bob, userName: '<b>Bob</b>' }, 'b/cheap', 0.25, 5);
  await createRefusalLog(data.db).recordRefusal({
    at: start,
    platform: 'discord',
    userId: 'u-ada',
    code: 'QUOTA_REACHED',
  });
  server = await startTestServer(data, { spendOverview: createSpendOverview(data.db), access: { sessions } });
});
afterAll(() => closeTestServer(server, data));

describe('the operator’s usage', () => {
  it('answers GET /api/admin/usage with 30 days, the top lists and refusals by reason, to the operator only', async () => {
    expect((await fetch(`${server.url}/api/admin/usage`)).status).toBe(401);
    const response = await fetch(`${server.url}/api/admin/usage`, { headers: auth });
    expect(response.status).toBe(200);
    const usage = (await response.json()) as OperatorUsage;
    expect(usage.days).toHaveLength(30);
    expect(usage.days.at(-1)).toMatchObject({ costUsd: 0.25, gpuSeconds: 5, videos: 1 });
    expect(usage.days.at(-4)).toMatchObject({ costUsd: 2.5, gpuSeconds: 50, videos: 1 });
    expect(usage.total).toMatchObject({ costUsd: 2.75, gpuSeconds: 55, videos: 2 });
    expect(usage.topUsers.map((u) => u.id)).toEqual(['u-ada', 'u-bob']);
    expect(usage.topModels.map((m) => m.id)).toEqual(['a/dear', 'b/cheap']);
    expect(usage.topServers.map((s) => s.id)).toEqual(['w1', 't1']);
    expect(usage.refusals).toEqual([{ code: 'QUOTA_REACHED', count: 1, lastAt: data.clock.now }]);
  });

  it('draws the page as server-side SVG, one bar per day with its tooltip, for a signed-in operator only', async () => {
    const refused = await fetch(`${server.url}/admin/usage`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('/sign-in');

    const signIn = await fetch(`${server.url}/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ token: adminToken }),
      redirect: 'manual',
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const page = await fetch(`${server.url}/admin/usage`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const body = await page.text();
    expect(body.match(/<rect class="spend-chart__bar"/g)).toHaveLength(30);
    const today = new Date(data.clock.now).toISOString().slice(0, 10);
    expect(body).toContain(`<title>${today}: $0.25 · GPU 5 s · 1 video</title>`);
    expect(body).toContain('QUOTA_REACHED');
    expect(body).toContain('&lt;b&gt;Bob&lt;/b&gt;');
    expect(body).not.toContain('<b>Bob</b>');
    // The gallery's top bar links the signed-in operator to it.
    expect(await (await fetch(`${server.url}/`, { headers: { cookie } })).text()).toContain(
      'href="/admin/usage"',
    );
    expect(await (await fetch(`${server.url}/sign-in`)).text()).not.toContain('href="/admin/usage"');
  });

  it('does not exist without ADMIN_TOKEN for anyone but a signed-in operator', async () => {
    const open = createTestData({ adminToken: '', private: true });
    const openServer = await startTestServer(open, { spendOverview: createSpendOverview(open.db) });
    try {
      expect((await fetch(`${openServer.url}/admin/usage`)).status).toBe(404);
      expect((await fetch(`${openServer.url}/api/admin/usage`)).status).toBe(404);
    } finally {
      await openServer.close();
      open.db.close();
    }
  });
});
