import { describe, expect, it } from 'vitest';
import {
  redactSecrets,
  truncateText,
  upstreamSnippet,
} from '../../../functions/layers/token-manager/src/bluestakes';

describe('redactSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    const text = 'user bob sent hunter22 and hunter22 again with tok-123';
    expect(redactSecrets(text, ['hunter22', 'tok-123'])).toBe(
      'user bob sent [REDACTED] and [REDACTED] again with [REDACTED]',
    );
  });

  it('catches a secret echoed JSON-escaped or URL-encoded', () => {
    const password = 'p"a\\ss w&rd';
    const echoedJson = JSON.stringify({ message: `bad password ${password}` });
    const echoedUrl = `password=${encodeURIComponent(password)}`;
    expect(redactSecrets(echoedJson, [password])).not.toContain('a\\\\ss');
    expect(redactSecrets(echoedJson, [password])).toContain('[REDACTED]');
    expect(redactSecrets(echoedUrl, [password])).toBe('password=[REDACTED]');
  });

  it('replaces a longer secret whole when it contains a shorter one', () => {
    expect(redactSecrets('abcdef', ['abc', 'abcdef'])).toBe('[REDACTED]');
  });

  it('masks bearer values, JWT-shaped strings and JSON password fields it was not told about', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redactSecrets('Authorization: Bearer abc.def-ghi', [])).toBe('Authorization: Bearer [REDACTED]');
    expect(redactSecrets(`token ${jwt} here`, [])).toBe('token [REDACTED] here');
    expect(redactSecrets('{"username":"bob","password":"s3\\"cret"}', [])).toBe(
      '{"username":"bob","password":"[REDACTED]"}',
    );
  });

  it('never throws on a secret with a lone UTF-16 surrogate, and still redacts it in every form', () => {
    const secret = 'ab\ud800cd';
    const text = `raw ${secret} json ${JSON.stringify(secret)} url ${encodeURIComponent('ab\ufffdcd')}`;
    const redacted = redactSecrets(text, [secret, '\udc00']);
    expect(redacted).not.toContain('ab');
    expect(redacted.match(/\[REDACTED\]/g)).toHaveLength(3);
  });

  it('ignores empty and missing secrets', () => {
    expect(redactSecrets('nothing to hide', ['', undefined])).toBe('nothing to hide');
  });
});

describe('truncateText', () => {
  it('leaves short text alone', () => {
    expect(truncateText('short', 10)).toBe('short');
    expect(truncateText('x'.repeat(10), 10)).toBe('x'.repeat(10));
  });

  it('cuts long text to the maximum, ellipsis included', () => {
    const cut = truncateText('y'.repeat(500));
    expect(Array.from(cut)).toHaveLength(200);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const cut = truncateText('😀'.repeat(10), 5);
    expect(cut).toBe('😀😀😀😀…');
  });
});

describe('upstreamSnippet', () => {
  it('redacts before cutting, so a secret across the cut leaks no prefix', () => {
    const secret = 'SECRETVALUE123';
    const snippet = upstreamSnippet(`${'x'.repeat(195)}${secret}`, [secret]);
    expect(snippet).not.toContain('SECR');
    expect(Array.from(snippet).length).toBeLessThanOrEqual(200);
  });

  it('collapses whitespace so a multi-line body reads as one line', () => {
    expect(upstreamSnippet('  <html>\n  <body>Bad\tGateway</body>\n</html> ', [])).toBe(
      '<html> <body>Bad Gateway</body> </html>',
    );
  });

  it('redacts a secret that contains whitespace before collapsing it', () => {
    expect(upstreamSnippet('echo: two  words', ['two  words'])).toBe('echo: [REDACTED]');
  });
});
