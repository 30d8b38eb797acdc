import { validateCredentials } from '@bluestakes/token-manager/internal';
import { describe, expect, it } from 'vitest';

describe('validateCredentials', () => {
  it('trims the username but never the password', () => {
    expect(validateCredentials({ username: ' acme ', password: ' p ' })).toEqual({
      username: 'acme',
      password: ' p ',
    });
  });

  it.each([
    [{}, /username is required/],
    [{ username: 'a' }, /password is required/],
    [{ username: 'a', password: '' }, /password is required/],
    [{ username: 'a\u0000b', password: 'x' }, /printable/],
    [{ username: 'a'.repeat(257), password: 'x' }, /at most 256/],
    [{ username: 'a', password: 'x'.repeat(1025) }, /at most 1024/],
    ['nope', /must be an object/],
  ])('refuses %j', (input, message) => {
    expect(() => validateCredentials(input)).toThrow(message);
  });

  it('never echoes the password in its errors', () => {
    const secret = 'S3cret-Pa55word-that-is-long';
    try {
      validateCredentials({ username: 'a'.repeat(300), password: secret });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });
});
