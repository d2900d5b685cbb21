/** A piece of HTML that is already safe to send: built by {@link html} or marked by {@link raw}. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Anything a template may interpolate. Arrays are joined; null, undefined and false render nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

const special = /[&<>"'`]/;
const specials = /[&<>"'`]/g;
const replaceSpecial = (char: string) => entities[char]!;

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  // Most text (names, models, dates) has nothing to escape: a test is cheaper than a replace.
  return special.test(text) ? text.replace(specials, replaceSpecial) : text;
}

function render(value: HtmlValue): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  // A number's text never holds a character to escape.
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value) out += render(item);
    return out;
  }
  return escapeHtml(String(value));
}

/**
 * Tagged template for HTML: every interpolated value is escaped unless it is itself {@link SafeHtml}.
 * Attribute values must always be quoted in the template (`href="${url}"`).
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  // A gallery page runs this some thousand times: a plain loop, no closure per call.
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks trusted markup (never user input) as safe. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
