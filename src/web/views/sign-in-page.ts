import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

/**
 * The operator's sign-in form (ADMIN_TOKEN), or, when signed in, the way out. `note` explains a
 * refusal or a used link.
 */
export function signInPage(
  context: PageContext,
  state: { signedIn: boolean; enabled: boolean; note?: string },
): SafeHtml {
  const body = state.signedIn
    ? html`<section class="empty">
  <h1>Signed in as the operator</h1>
  <p>You see every server's videos.</p>
  <p><a class="button" href="/">Open the gallery</a></p>
  <form method="post" action="/sign-out"><button class="button button--ghost" type="submit">Sign out</button></form>
</section>`
    : html`<section class="empty">
  <h1>Operator sign-in</h1>
  ${state.note ? html`<p role="alert">${state.note}</p>` : ''}
  <p>Videos are private to the server they were made in. Members get a link with <code>/gallery</code> in Discord or <code>/reelbot gallery</code> in Slack.</p>
  ${
    state.enabled
      ? html`<form method="post" action="/sign-in">
    <label>Admin token <input type="password" name="token" autocomplete="current-password" required></label>
    <button class="button" type="submit">Sign in</button>
  </form>`
      : html`<p>Operator sign-in needs ADMIN_TOKEN to be set.</p>`
  }
</section>`;
  return layout(context, { title: state.signedIn ? 'Signed in' : 'Sign in', name: 'sign-in', body });
}
