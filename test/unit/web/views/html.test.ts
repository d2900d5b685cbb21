import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../../../src/web/views/html.js';

describe('html templates', () => {
  it('escape every interpolated string, including quotes for attributes', () => {
    const prompt = `<script>alert("x")</script> & 'y' \``;
    expect(html`<p title="${prompt}">${prompt}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;</p>',
    );
  });

  it('nest safe fragments and arrays without escaping them twice', () => {
    const items = ['a<b', 'c&d'].map((text) => html`<li>${text}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul>');
    expect(html`${raw('<hr>')}`.value).toBe('<hr>');
  });

  it('render nothing for null, undefined and false, and numbers as text', () => {
    expect(html`[${null}${undefined}${false}${0}${true}]`.value).toBe('[0true]');
    expect(escapeHtml('plain')).toBe('plain');
  });
});
