import { html, type SafeHtml } from './html.js';

/** What every page shares: where the static assets are and how live updates arrive. */
export interface PageContext {
  /** Versioned URLs of the stylesheet and the script. */
  assetUrls: { css: string; js: string };
  /** `sse` when the server streams events at /events, `poll` when cards poll the API. */
  live: 'sse' | 'poll';
  now: number;
  /** The signed-in operator is looking: the top bar links to the operator's pages. */
  operator?: boolean;
  /**
   * False for a link to one video (Open in gallery): the gallery and its filters are not open to it,
   * so pages show no links there (they would be 404s).
   */
  browse?: boolean;
}

/** The HTML document around a page: head, top bar, main. */
export function layout(
  context: PageContext,
  page: { title: string; name: string; body: SafeHtml; header?: SafeHtml },
): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark light">
<meta name="referrer" content="no-referrer">
<title>${page.title} · reelbot</title>
<link rel="stylesheet" href="${context.assetUrls.css}">
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<script src="${context.assetUrls.js}" defer></script>
</head>
<body data-page="${page.name}" data-live="${context.live}">
<header class="topbar">
  ${
    context.browse === false
      ? html`<span class="brand"><span class="brand__mark" aria-hidden="true"></span>reelbot</span>`
      : html`<a class="brand" href="/" aria-label="reelbot gallery"><span class="brand__mark" aria-hidden="true"></span>reelbot</a>`
  }
  ${page.header}
  ${
    context.operator
      ? html`<nav class="topbar__operator" aria-label="Operator"><a class="button button--ghost" href="/admin/usage">Usage</a></nav>`
      : ''
  }
</header>
<main class="main">
${page.body}
</main>
</body>
</html>
`;
}
