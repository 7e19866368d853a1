import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../src/checksum/crc32c.js';
import { crc32 } from '../../src/checksum/crc32.js';

const ascii = (s: string) => new TextEncoder().encode(s);

/** Bit-at-a-time reference CRC, independent of the slicing tables. */
function referenceCrc(poly: number, data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  it('matches the published check values', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 (iSCSI) B.4 vectors.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it('agrees with a bitwise reference and is incremental', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (data, cut) => {
        const at = Math.min(cut, data.length);
        const whole = crc32c(data);
        expect(whole).toBe(referenceCrc(0x82f63b78, data));
        expect(crc32c(data.subarray(at), crc32c(data.subarray(0, at)))).toBe(whole);
      }),
    );
  });
});

describe('crc32 (IEEE)', () => {
  it('matches the check value and a bitwise reference', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (d) => {
      expect(crc32(d)).toBe(referenceCrc(0xedb88320, d));
    }));
  });
});
