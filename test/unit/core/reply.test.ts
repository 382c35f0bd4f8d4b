// The neutral model keeps our words apart from values: renderers get spans, escape every one,
// and only our backticks become inline code. (Each platform's golden tests live with its adapter.)
import { describe, expect, it } from 'vitest';
import { plain, plainText, reply, say, spans, text, type RichText } from '../../../src/core/reply.js';

const HOSTILE = ['*x*', '<!channel>', '@everyone', '`rm -rf /`', '<@&123>', '_y_ ~z~ &amp; [a](http://b)', '||s||'];

/** A stand-in renderer: marks every escape and every code span, to see what a platform's would get. */
const render = (rich: RichText): string => spans(rich).map((s) => (s.code ? `<code>${escape(s.text)}</code>` : escape(s.text))).join('');
const escape = (s: string): string => `⟦${s}⟧`;

describe('text we write and values', () => {
  it('say puts every interpolation in as a value, whole', () => {
    for (const name of HOSTILE) {
      expect(say`Stopped ${name} for you`).toEqual(['Stopped ', { value: name }, ' for you']);
      // A value is one span, escaped as a whole, never code: its backticks stay backticks.
      expect(render(say`Stopped ${name}`)).toBe(`⟦Stopped ⟧⟦${name}⟧`);
    }
  });

  it('our backticks are inline code; an unpaired one stays text', () => {
    expect(spans('run `ps -a` to list')).toEqual([
      { text: 'run ', code: false },
      { text: 'ps -a', code: true },
      { text: ' to list', code: false },
    ]);
    expect(spans('a ` b')).toEqual([{ text: 'a ` b', code: false }]);
    expect(spans('`a` and `b')).toEqual([
      { text: 'a', code: true },
      { text: ' and `b', code: false },
    ]);
    expect(spans([{ code: '<!here>' }])).toEqual([{ text: '<!here>', code: true }]);
  });

  it('every character of a hostile value reaches the renderer, inside one escaped span', () => {
    for (const name of HOSTILE) {
      const out = render(['No container named ', { value: name }, '; try `ps -a`']);
      expect(out).toBe(`⟦No container named ⟧⟦${name}⟧⟦; try ⟧<code>⟦ps -a⟧</code>`);
    }
  });

  it('plain text keeps what was written, values and code alike', () => {
    expect(plain(say`logs of ${'web'}`)).toBe('logs of web');
    expect(plain(['see ', { code: 'ps' }])).toBe('see `ps`');
    expect(plainText(reply([text(say`Removed ${'<!channel>'}`)], { title: 'Done' }))).toBe('Done\nRemoved <!channel>');
  });
});
