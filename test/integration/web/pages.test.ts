import { describe, expect, it } from 'vitest';
import { ada, insertMany, longError, useSeededGallery } from '../../support/web-gallery.js';

const gallery = useSeededGallery();

async function page(pathAndQuery: string): Promise<{ status: number; headers: Headers; html: string }> {
  const response = await fetch(`${gallery.server.url}${pathAndQuery}`);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** The card markup of one generation on a gallery page. */
function cardOf(html: string, id: string): string {
  const start = html.lastIndexOf('<li', html.indexOf(`data-generation-id="${id}"`));
  expect(start, `card ${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</li>', start));
}

describe('gallery page', () => {
  it('renders every card with poster, model, user, platform and status', async () => {
    const { status, headers, html } = await page('/');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    const fox = cardOf(html, gallery.seeded.fox.id);
    expect(fox).toContain(`src="/media/${gallery.seeded.fox.id}/poster"`);
    expect(fox).toContain('minimax/video-01');
    expect(fox).toContain('Ada');
    expect(fox).toContain('Discord');
    expect(fox).toContain('0:02');
    expect(fox).toContain('badge--succeeded');
    const running = cardOf(html, gallery.seeded.running.id);
    expect(running).toContain('data-running');
    expect(running).toContain('Processing 40%');
    expect(running).toContain('<progress');
  });

  it('shows failed cards red with the error cut short', async () => {
    const card = cardOf((await page('/')).html, gallery.seeded.failed.id);
    expect(card).toContain('card--failed');
    const shown = /<p class="card__error"[^>]*>([^<]*)<\/p>/.exec(card)?.[1];
    expect(shown).toBeDefined();
    expect(shown!.length).toBeLessThanOrEqual(60);
    expect(shown!.endsWith('…')).toBe(true);
    expect(longError.startsWith(shown!.slice(0, -1))).toBe(true);
  });

  it('escapes prompts and names', async () => {
    const { html } = await page('/');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    const detail = await page(`/g/${gallery.seeded.hostile.id}`);
    expect(detail.html).not.toContain('<script>alert(1)</script>');
    expect(detail.html).not.toContain('<img src=x');
    expect(detail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const search = await page('/?q=%22%3E%3Cscript%3Ealert(3)%3C%2Fscript%3E');
    expect(search.html).not.toContain('<script>alert(3)');
    expect(search.html).toContain('value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
  });

  it('filters through the query string and keeps the filter form filled', async () => {
    const { html } = await page('/?status=failed');
    expect(html).toContain(`data-generation-id="${gallery.seeded.failed.id}"`);
    expect(html).not.toContain(`data-generation-id="${gallery.seeded.fox.id}"`);
    expect(html).toContain('<option value="failed" selected>');
    const search = await page('/?q=boxes');
    expect(search.html).toContain(`data-generation-id="${gallery.seeded.boxes.id}"`);
    expect(search.html.match(/data-generation-id=/g)).toHaveLength(1);
  });

  it('shows one person’s videos for the /gallery link', async () => {
    const { html } = await page(`/?user=${ada.userId}`);
    expect(html).toContain('Videos by Ada');
    expect(html.match(/class="card /g)).toHaveLength(2);
    expect(html).toContain(`<input type="hidden" name="user" value="${ada.userId}">`);
  });

  it('pages with an Older link that carries the filters', async () => {
    await insertMany(gallery.data, 50, { source: 'simulation', model: 'physics', prompt: 'pile' });
    const first = await page('/?source=simulation');
    expect(first.html.match(/class="card /g)).toHaveLength(48);
    const next = /<a class="button" rel="next" href="([^"]+)"/
      .exec(first.html)?.[1]
      ?.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/\?source=simulation&after=/);
    const second = await page(next!);
    expect(second.html.match(/class="card /g)).toHaveLength(3);
    expect(second.html).not.toContain('rel="next"');
    expect(second.html).toContain('← Newest');
  });

  it('answers a bad filter with a friendly 400 page', async () => {
    const { status, html } = await page('/?status=%3Cb%3E');
    expect(status).toBe(400);
    expect(html).toContain('status');
    expect(html).not.toContain('<b>');
  });
});

describe('detail page', () => {
  it('has the player with poster, download, parameters, seed and timings', async () => {
    const { status, html } = await page(`/g/${gallery.seeded.fox.id}`);
    expect(status).toBe(200);
    expect(html).toMatch(
      new RegExp(
        `<video[^>]+src="/media/${gallery.seeded.fox.id}"[^>]+poster="/media/${gallery.seeded.fox.id}/poster"`,
      ),
    );
    expect(html).toContain(`href="/media/${gallery.seeded.fox.id}?download=1"`);
    expect(html).toContain(`download="reelbot-minimax-video-01-${gallery.seeded.fox.id}.mp4"`);
    expect(html).toContain('prompt_optimizer');
    expect(html).toContain('<code>true</code>');
    expect(html).toContain('<code>42</code>');
    expect(html).toContain('Ran for');
    expect(html).toContain('1 min 0 s');
    expect(html).toContain('abc123def456');
  });

  it('shows the whole error of a failed generation', async () => {
    const { html } = await page(`/g/${gallery.seeded.failed.id}`);
    expect(html).toContain(longError);
    expect(html).toContain('PREDICTION_FAILED');
    expect(html).toContain('CUDA out of memory. Tried to allocate 2.00 GiB');
  });

  it('folds long parameter values such as scenes', async () => {
    const { html } = await page(`/g/${gallery.seeded.boxes.id}`);
    expect(html).toContain('<details>');
    expect(html).toContain('&quot;gravity&quot;: -9.81');
  });

  it('answers 404 with an HTML page for unknown ids', async () => {
    const { status, html, headers } = await page('/g/g_unknown');
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('Not found');
  });
});

describe('security headers', () => {
  it('sends a CSP without unsafe-inline and the other hardening headers on every response', async () => {
    for (const url of [
      '/',
      `/g/${gallery.seeded.fox.id}`,
      '/api/generations',
      `/media/${gallery.seeded.fox.id}`,
      '/nope',
    ]) {
      const response = await fetch(`${gallery.server.url}${url}`);
      await response.arrayBuffer();
      const csp = response.headers.get('content-security-policy');
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), url).toBe('no-referrer');
      expect(response.headers.get('x-powered-by'), url).toBeNull();
    }
  });

  it('uses no inline script or style the CSP would block', async () => {
    const { html } = await page('/');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });

  it('serves versioned assets with long caching', async () => {
    const { html } = await page('/');
    const css = /href="(\/assets\/app\.css\?v=[0-9a-f]+)"/.exec(html)?.[1];
    const js = /src="(\/assets\/app\.js\?v=[0-9a-f]+)"/.exec(html)?.[1];
    for (const url of [css, js]) {
      const response = await fetch(`${gallery.server.url}${url}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toContain('immutable');
    }
    expect((await fetch(`${gallery.server.url}/assets/..%2f..%2fapp.ts`)).status).toBe(404);
  });
});
