/**
 * Times for chunkdump: int64 nanoseconds printed as RFC 3339 UTC with all nine fraction digits, Unix milliseconds
 * (the storage wrapper's unit), Go-style durations, and `--from`/`--through` parsed from RFC 3339 or integer
 * nanoseconds. Everything works on bigint so the whole int64 range (years 1677-2262) prints exactly.
 */
import { LokiChunkError, MAX_INT64, MIN_INT64 } from '../index.js';

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;

/** RFC 3339 UTC with nanoseconds, e.g. `2024-03-10T08:00:00.019727888Z` (fixed width, so columns line up). */
export function formatNanos(nanos: bigint): string {
  let seconds = nanos / NANOS_PER_SECOND;
  let fraction = nanos % NANOS_PER_SECOND;
  if (fraction < 0n) {
    // bigint division truncates toward zero; RFC 3339 needs the second before and a positive fraction.
    seconds -= 1n;
    fraction += NANOS_PER_SECOND;
  }
  if (seconds !== lastSeconds) {
    // Entries come in time order, so consecutive ones mostly share the second: format it once.
    lastSeconds = seconds;
    lastWhole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  }
  return `${lastWhole}.${fraction.toString().padStart(9, '0')}Z`;
}

let lastSeconds: bigint | undefined;
let lastWhole = '';

/** Largest |milliseconds| a JavaScript Date holds. */
const MAX_DATE_MILLIS = 8.64e15;

/** RFC 3339 UTC with milliseconds, for the storage wrapper's millisecond times (`<n> ms` beyond Date's range). */
export function formatMillis(millis: number): string {
  if (!Number.isFinite(millis) || Math.abs(millis) > MAX_DATE_MILLIS) return `${millis} ms`;
  return new Date(millis).toISOString();
}

const UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['h', 3600n * NANOS_PER_SECOND],
  ['m', 60n * NANOS_PER_SECOND],
];

/** A duration as Go's `time.Duration.String()` prints it: `1h2m3.5s`, `35.088s`, `250ms`, `0s`. */
export function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  let rest = nanos < 0n ? -nanos : nanos;
  if (rest < NANOS_PER_SECOND) {
    const [unit, size]: readonly [string, bigint] =
      rest < 1000n ? ['ns', 1n] : rest < NANOS_PER_MILLI ? ['µs', 1000n] : ['ms', NANOS_PER_MILLI];
    return `${sign}${decimal(rest, size)}${unit}`;
  }
  let text = '';
  for (const [unit, size] of UNITS) {
    if (rest >= size || text !== '') {
      text += `${rest / size}${unit}`;
      rest %= size;
    }
  }
  return `${sign}${text}${decimal(rest, NANOS_PER_SECOND)}s`;
}

/** `value / unit` with the fraction's trailing zeros dropped. */
function decimal(value: bigint, unit: bigint): string {
  const whole = (value / unit).toString();
  const digits = unit.toString().length - 1;
  const fraction = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const INTEGER = /^-?\d+$/;

/**
 * A `--from`/`--through` value: RFC 3339 (`2024-03-10T08:00:00Z`, `2024-03-10T09:00:00.5+01:00`, up to nine
 * fraction digits) or integer nanoseconds since the epoch.
 * @throws {LokiChunkError} `INVALID_ARGUMENT` naming `what` for anything else or a time outside int64 nanoseconds.
 */
export function parseTime(text: string, what: string): bigint {
  const nanos = INTEGER.test(text) ? BigInt(text) : parseRfc3339(text, what);
  if (nanos < MIN_INT64 || nanos > MAX_INT64) {
    throw new LokiChunkError('INVALID_ARGUMENT', `${what} ${text} is outside the int64 nanosecond range (years 1677-2262)`);
  }
  return nanos;
}

function parseRfc3339(text: string, what: string): bigint {
  const match = RFC3339.exec(text);
  const invalid = () =>
    new LokiChunkError('INVALID_ARGUMENT', `${what} must be an RFC 3339 time (2024-03-10T08:00:00Z) or integer nanoseconds, got ${JSON.stringify(text)}`);
  if (!match) throw invalid();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Date.UTC would read years below 100 as 19xx; setUTCFullYear takes them as given.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Dates roll 2024-02-30 over into March: refuse instead of guessing.
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) throw invalid();
  const fraction = BigInt((match[7] ?? '').padEnd(9, '0') || '0');
  let offsetMinutes = 0n;
  if (match[9] !== undefined) {
    const hours = Number(match[10]);
    const minutes = Number(match[11]);
    if (hours > 23 || minutes > 59) throw invalid();
    offsetMinutes = BigInt(hours * 60 + minutes) * (match[9] === '-' ? -1n : 1n);
  }
  return BigInt(date.getTime()) * NANOS_PER_MILLI + fraction - offsetMinutes * 60n * NANOS_PER_SECOND;
}
