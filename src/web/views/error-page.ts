import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

/** A friendly page for 404s, bad filters and server errors; never shows internals. */
export function errorPage(context: PageContext, status: number, message: string): SafeHtml {
  const title = status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'That did not work';
  return layout(context, {
    title,
    name: 'error',
    body: html`<section class="empty">
  <p class="empty__code">${status}</p>
  <h1>${title}</h1>
  <p>${message}</p>
  <p><a class="button" href="/">Back to the gallery</a></p>
</section>`,
  });
}
