import { once } from 'node:events';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGalleryLinks, type GalleryLinks } from '../../../../src/core/chat/gallery-links.js';
import { loadConfig } from '../../../../src/core/config.js';
import type { Generation } from '../../../../src/core/generations/types.js';
import { silentLogger } from '../../../../src/core/logger.js';
import { createGenerationStore, openDatabase } from '../../../../src/core/store/index.js';
import { createWebApp } from '../../../../src/web/app.js';

/** The server listens on 127.0.0.1; `localhost` may resolve to ::1 first. */
const onLoopback = (url: string) => url.replace('//localhost:', '//127.0.0.1:');

describe('gallery links', () => {
  it('are made under PUBLIC_URL, or the local web server without one', () => {
    const links = createGalleryLinks({ publicUrl: 'https://reelbot.example', port: 3000 });
    expect(links.generation('g_1')).toBe('https://reelbot.example/g/g_1');
    expect(links.user('U 1')).toBe('https://reelbot.example/?user=U%201');
    const local = createGalleryLinks({ port: 8080 });
    expect(local.generation('g_1')).toBe('http://localhost:8080/g/g_1');
    expect(local.user('42')).toBe('http://localhost:8080/?user=42');
  });

  describe('lead to the web app', () => {
    let dataDir: string;
    let db: ReturnType<typeof openDatabase>;
    let server: Server;
    let generation: Generation;
    let links: GalleryLinks;

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-links-'));
      db = openDatabase(dataDir);
      const store = createGenerationStore(db);
      generation = store.insert({
        source: 'replicate',
        requester: { platform: 'discord', userId: 'u-links', userName: 'Linus' },
        model: 'minimax/video-01',
        prompt: 'a lighthouse in a storm',
        input: {},
      });
      const app = createWebApp({
        config: loadConfig({ DATA_DIR: dataDir, PORT: '0' }),
        store,
        logger: silentLogger(),
      });
      server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      links = createGalleryLinks({ port: (server.address() as AddressInfo).port });
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('the page of one video', async () => {
      const res = await fetch(onLoopback(links.generation(generation.id)));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('a lighthouse in a storm');
    });

    it('the gallery of one user', async () => {
      const res = await fetch(onLoopback(links.user('u-links')));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`/g/${generation.id}`);
      const other = await fetch(onLoopback(links.user('u-nobody')));
      expect(await other.text()).not.toContain(`/g/${generation.id}`);
    });
  });
});
