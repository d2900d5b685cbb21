import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  GenerationGroup,
  GroupEvent,
  GroupListener,
} from '../../../src/core/generations/groups/types.js';
import type { Generation, GenerationEvent, GenerationListener } from '../../../src/core/generations/types.js';
import {
  ada,
  closeTestServer,
  createTestData,
  startTestServer,
  type TestData,
} from '../../support/web-gallery.js';

let data: TestData;
let server: Awaited<ReturnType<typeof startTestServer>>;
const listeners = new Set<GenerationListener>();
const events = {
  subscribe(listener: GenerationListener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
const emit = (event: GenerationEvent) => {
  for (const listener of listeners) listener(event);
};
const groupListeners = new Set<GroupListener>();
const groupEvents = {
  subscribe(listener: GroupListener) {
    groupListeners.add(listener);
    return () => groupListeners.delete(listener);
  },
};
const emitGroup = (event: GroupEvent) => {
  for (const listener of groupListeners) listener(event);
};

beforeAll(async () => {
  data = createTestData();
  server = await startTestServer(data, { events, groupEvents });
});

afterAll(() => closeTestServer(server, data));

describe('GET /healthz', () => {
  it('reports database, free disk and ffmpeg', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      checks: Record<string, { ok: boolean; freeBytes?: number; version?: string }>;
    };
    expect(body.status).toBe('ok');
    expect(body.checks.database!.ok).toBe(true);
    expect(body.checks.disk!.freeBytes).toBeGreaterThan(0);
    expect(body.checks.ffmpeg!.version).toMatch(/\d/);
  });

  it('reports low disk once DATA_DIR has less room than one more download of the largest size', async () => {
    const free = (await (await fetch(`${server.url}/healthz`)).json()) as {
      checks: { disk: { freeBytes: number; neededBytes: number } };
    };
    expect(free.checks.disk.neededBytes).toBe(512 * 1024 * 1024);
    // DOWNLOAD_MAX_BYTES above what this disk has free: the next big download would not fit.
    const maxBytes = free.checks.disk.freeBytes * 2 + 1024 ** 3;
    const config = { ...data.config, download: { ...data.config.download, maxBytes } };
    const tight = await startTestServer(data, { config });
    try {
      const response = await fetch(`${tight.url}/healthz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { checks: { disk: Record<string, unknown> } };
      expect(body.checks.disk).toMatchObject({
        ok: false,
        error: 'low disk space: downloads will fail',
        neededBytes: maxBytes,
      });
    } finally {
      await tight.close();
    }
  });

  it('answers 503 when ffmpeg is missing', async () => {
    const noFfmpeg = await startTestServer(data, { ffmpegPath: '/nonexistent/ffmpeg' });
    try {
      const response = await fetch(`${noFfmpeg.url}/healthz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { checks: { ffmpeg: { ok: boolean } } };
      expect(body.checks.ffmpeg.ok).toBe(false);
    } finally {
      await noFfmpeg.close();
    }
  });
});

/** Reads server-sent events from a streaming response, one block at a time. */
function eventReader(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return async function nextBlock(): Promise<string> {
    while (!buffer.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += value;
    }
    const end = buffer.indexOf('\n\n');
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    return block;
  };
}

describe('GET /events', () => {
  it('streams id, status, progress and log line of the generations asked for, and unsubscribes on close', async () => {
    const one = await data.store.insert({ source: 'replicate', requester: ada, model: 'a/b', input: {} });
    const other = await data.store.insert({ source: 'replicate', requester: ada, model: 'a/b', input: {} });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/events?ids=${one.id}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const next = eventReader(response);
    expect(await next()).toBe('retry: 3000');
    const processing: Generation = { ...one, status: 'processing', progress: 10 };
    emit({ type: 'progress', generation: { ...other, status: 'processing' }, percent: 99 });
    // The line the percent was read from goes with it: a running video's page shows both, and its
    // JSON (/api/generations/:id) shows the line to the same link already.
    emit({ type: 'progress', generation: processing, percent: 55, log: 'Rendering frame 45/90' });
    expect(await next()).toBe(
      `event: generation\ndata: ${JSON.stringify({ id: one.id, status: 'processing', final: false, progress: 55, lastLog: 'Rendering frame 45/90' })}`,
    );
    emit({ type: 'failed', generation: processing, reason: 'x' });
    expect(await next()).toContain(`"id":"${one.id}","status":"failed","final":true`);
    controller.abort();
    await vi.waitFor(() => expect(listeners.size).toBe(0));
  });

  it('streams the end of a group with a member asked for, once the group has ended', async () => {
    const [one, other] = await Promise.all(
      [1, 2].map(() => data.store.insert({ source: 'replicate', requester: ada, model: 'a/b', input: {} })),
    );
    const group = (id: string, memberId: string, status: GenerationGroup['status']): GenerationGroup => ({
      id,
      kind: 'compare',
      requester: ada,
      memberIds: [memberId, 'gen_elsewhere'],
      status,
      refused: [],
      createdAt: 0,
      updatedAt: 0,
    });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/events?ids=${one!.id}`, { signal: controller.signal });
    const next = eventReader(response);
    expect(await next()).toBe('retry: 3000');
    // A member moving changes no card; another page's group is not this stream's.
    emitGroup({ type: 'member', group: group('grp_one', one!.id, 'composing'), members: [] });
    emitGroup({ type: 'finished', group: group('grp_other', other!.id, 'succeeded'), members: [] });
    emitGroup({ type: 'finished', group: group('grp_one', one!.id, 'failed'), members: [] });
    expect(await next()).toBe(`event: group\ndata: ${JSON.stringify({ id: 'grp_one', status: 'failed' })}`);
    controller.abort();
    await vi.waitFor(() => expect(groupListeners.size).toBe(0));
  });

  it('cuts off a client that stopped reading instead of buffering events for it forever', async () => {
    const one = await data.store.insert({ source: 'replicate', requester: ada, model: 'a/b', input: {} });
    // A raw socket that sends the request and then never reads: the stalled browser tab.
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`GET /events?ids=${one.id} HTTP/1.1\r\nHost: x\r\n\r\n`);
    socket.pause();
    await vi.waitFor(() => expect(listeners.size).toBe(1));
    const processing: Generation = { ...one, status: 'processing', lastLog: 'x'.repeat(1000) };
    // Bounded: far more than the kernel's socket buffers and our limit can hold.
    for (let i = 0; i < 200_000 && listeners.size > 0; i++) {
      emit({ type: 'progress', generation: processing, percent: i % 100 });
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(listeners.size).toBe(0);
    socket.destroy();
  });

  it('is absent when the app has no event source, and the pages then poll', async () => {
    const polling = await startTestServer(data);
    try {
      expect((await fetch(`${polling.url}/events`)).status).toBe(404);
      expect(await (await fetch(`${polling.url}/`)).text()).toContain('data-live="poll"');
      expect(await (await fetch(`${server.url}/`)).text()).toContain('data-live="sse"');
    } finally {
      await polling.close();
    }
  });
});
