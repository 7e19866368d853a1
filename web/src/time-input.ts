/**
 * Parsing what a user types into a time-range field: an ISO-8601 instant with up to nine fraction digits
 * (UTC unless a zone is given) or a raw int64 nanosecond timestamp, as Loki prints both.
 */

const NS_PER_MS = 1_000_000n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

const NANOSECONDS = /^-?\d+$/;
// date, optional time with optional seconds and fraction, optional zone; a space may replace the `T`.
const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** The outcome of parsing one field: a bound, no bound (empty field), or why the text is not a time. */
export type ParsedTime = { ok: true; value: bigint | null } | { ok: false; message: string };

/** Parses a time-range field. Empty text means "no bound". */
export function parseTimeInput(text: string): ParsedTime {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  if (NANOSECONDS.test(trimmed)) {
    const value = BigInt(trimmed);
    if (value < MIN_INT64 || value > MAX_INT64) return { ok: false, message: 'outside the int64 nanosecond range' };
    return { ok: true, value };
  }
  const match = ISO_INSTANT.exec(trimmed);
  if (!match) {
    return { ok: false, message: 'expected an ISO time such as 2024-03-10T07:20:00.5Z, or nanoseconds since 1970' };
  }
  const [, date, hoursMinutes = '00:00', seconds = '00', fraction = '', zone = 'Z'] = match;
  const normalizedZone = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const milliseconds = Date.parse(`${date}T${hoursMinutes}:${seconds}${normalizedZone}`);
  if (Number.isNaN(milliseconds)) return { ok: false, message: 'not a valid date or time' };
  return { ok: true, value: BigInt(milliseconds) * NS_PER_MS + BigInt(fraction.padEnd(9, '0')) };
}
