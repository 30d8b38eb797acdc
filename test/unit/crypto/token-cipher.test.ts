import { TokenDecryptionError } from '@bluestakes/token-manager';
import {
  decryptToken,
  encryptedTokenKeyId,
  encryptToken,
  generateTokenKeyringSecret,
  parseTokenKeyring,
} from '@bluestakes/token-manager/internal';
import { describe, expect, it } from 'vitest';

const keyring = parseTokenKeyring(generateTokenKeyringSecret('k1'));
const binding = { companyId: '42', version: '7' };
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY21lIn0.c2lnbmF0dXJl';

describe('token cipher', () => {
  it('round-trips a token and never stores it in clear', () => {
    const stored = encryptToken(keyring, TOKEN, binding);

    expect(stored).toMatch(/^enc:v1:k1:[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain(TOKEN);
    expect(decryptToken(keyring, stored, binding)).toBe(TOKEN);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptToken(keyring, TOKEN, binding)).not.toBe(encryptToken(keyring, TOKEN, binding));
  });

  it('refuses a ciphertext moved to another company or version (AAD binding)', () => {
    const stored = encryptToken(keyring, TOKEN, binding);

    expect(() => decryptToken(keyring, stored, { companyId: '43', version: '7' })).toThrow(
      TokenDecryptionError,
    );
    expect(() => decryptToken(keyring, stored, { companyId: '42', version: '8' })).toThrow(
      TokenDecryptionError,
    );
  });

  it('refuses a tampered ciphertext', () => {
    const stored = encryptToken(keyring, TOKEN, binding);
    const tampered = `${stored.slice(0, -4)}AAAA`;

    expect(() => decryptToken(keyring, tampered, binding)).toThrow(/failed authentication/);
  });

  it('keeps reading tokens written under an old key after rotation, and writes with the new key', () => {
    const stored = encryptToken(keyring, TOKEN, binding);
    const rotated = parseTokenKeyring(generateTokenKeyringSecret('k2', keyring));

    expect(decryptToken(rotated, stored, binding)).toBe(TOKEN);
    expect(encryptedTokenKeyId(encryptToken(rotated, TOKEN, binding))).toBe('k2');
  });

  it('names an unknown key id instead of failing obscurely', () => {
    const other = parseTokenKeyring(generateTokenKeyringSecret('other'));
    const stored = encryptToken(other, TOKEN, binding);

    expect(() => decryptToken(keyring, stored, binding)).toThrow(/unknown key "other"/);
  });

  it('validates the keyring secret', () => {
    expect(() => parseTokenKeyring('not json')).toThrow(/not valid JSON/);
    expect(() => parseTokenKeyring('{"currentKeyId":"a","keys":{"a":"c2hvcnQ="}}')).toThrow(/32 bytes/);
    expect(() =>
      parseTokenKeyring(generateTokenKeyringSecret('a').replace('"currentKeyId":"a"', '"currentKeyId":"b"')),
    ).toThrow(/not in "keys"/);
  });
});
