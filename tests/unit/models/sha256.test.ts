import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sha256Hex, sha256Sync } from '../../../src/lib/models/sha256';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sha256', () => {
  it('matches the FIPS 180-4 example digests', () => {
    expect(sha256Sync(enc('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Sync(enc(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Sync(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with WebCrypto and node:crypto at every padding boundary length', async () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
      const expected = createHash('sha256').update(data).digest('hex');
      expect(sha256Sync(data), `length ${n}`).toBe(expected);
      expect(await sha256Hex(data), `length ${n}`).toBe(expected);
    }
  });
});
