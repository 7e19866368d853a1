/**
 * chunkdump's pure helpers: times (RFC 3339 with nanoseconds over the whole int64 range, Go durations, parsing
 * `--from`/`--through`), the colour decision and control-character escaping.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_INT64, MIN_INT64 } from '../../src/binary/int64.js';
import { escapeControls, useColor } from '../../src/cli/chunkdump-style.js';
import { formatDuration, formatMillis, formatNanos, parseTime } from '../../src/cli/chunkdump-time.js';

describe('formatNanos', () => {
  it.each([
    [0n, '1970-01-01T00:00:00.000000000Z'],
    [1n, '1970-01-01T00:00:00.000000001Z'],
    [-1n, '1969-12-31T23:59:59.999999999Z'],
    [1710057600019727888n, '2024-03-10T08:00:00.019727888Z'],
    [MIN_INT64, '1677-09-21T00:12:43.145224192Z'],
    [MAX_INT64, '2262-04-11T23:47:16.854775807Z'],
  ])('%s -> %s', (nanos, text) => {
    expect(formatNanos(nanos)).toBe(text);
  });

  it('round-trips through parseTime over the whole int64 range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: MIN_INT64, max: MAX_INT64 }), (nanos) => {
        expect(parseTime(formatNanos(nanos), 't')).toBe(nanos);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseTime', () => {
  it.each([
    ['1710057600019727888', 1710057600019727888n],
    ['-5', -5n],
    ['2024-03-10T08:00:00Z', 1710057600000000000n],
    ['2024-03-10t08:00:00.5z', 1710057600500000000n],
    ['2024-03-10 09:00:00.000000001+01:00', 1710057600000000001n],
    ['2024-03-10T03:30:00-04:30', 1710057600000000000n],
    ['0050-01-01T00:00:00Z', -60589296000000000000n],
  ])('%s', (text, nanos) => {
    if (nanos < MIN_INT64) {
      expect(() => parseTime(text, '--from')).toThrow(/outside the int64 nanosecond range/);
    } else {
      expect(parseTime(text, '--from')).toBe(nanos);
    }
  });

  it.each(['', 'now', '2024-03-10', '2024-03-10T08:00:00', '2024-02-30T00:00:00Z', '2024-03-10T24:00:00Z', '2024-03-10T08:00:00.1234567890Z', '1e9'])(
    'refuses %j',
    (text) => {
      expect(() => parseTime(text, '--from')).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    },
  );
});

describe('formatDuration (Go time.Duration.String)', () => {
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [1500n, '1.5µs'],
    [250_000_000n, '250ms'],
    [35_088_000_000n, '35.088s'],
    [3_723_500_000_000n, '1h2m3.5s'],
    [3_600_000_000_000n, '1h0m0s'],
    [-61_000_000_000n, '-1m1s'],
  ])('%s -> %s', (nanos, text) => {
    expect(formatDuration(nanos)).toBe(text);
  });
});

describe('formatMillis', () => {
  it('prints milliseconds, and plain numbers beyond what a Date holds', () => {
    expect(formatMillis(1710057600015)).toBe('2024-03-10T08:00:00.015Z');
    expect(formatMillis(9e15)).toBe('9000000000000000 ms');
  });
});

describe('colours and escaping', () => {
  it('colours only on a TTY and never with NO_COLOR', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
  });

  it('escapes what a terminal would act on, keeps tabs and text', () => {
    expect(escapeControls('a\nb\r\x1b[31mred\u009b\x7f\tz é😀')).toBe('a\\nb\\r\\x1b[31mred\\x9b\\x7f\tz é😀');
  });
});
