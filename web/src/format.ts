/**
 * How the inspector prints things: int64 nanosecond timestamps as ISO-8601 with nine fraction digits, byte
 * counts, ratios, durations and CRCs. Pure functions, no DOM.
 */

const NS_PER_MS = 1_000_000n;
const NS_PER_SECOND = 1_000_000_000n;
/** The JavaScript Date range (±8.64e15 ms), in nanoseconds: beyond it only the raw number can be shown. */
const DATE_LIMIT_NS = 8_640_000_000_000_000n * NS_PER_MS;

/** Floor division (BigInt `/` truncates towards zero, which is wrong for timestamps before 1970). */
function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor < 0n ? quotient - 1n : quotient;
}

/**
 * `2024-03-10T07:20:00.123456789Z` for an int64 ns timestamp; the raw number plus `ns` when the instant is
 * outside what a Date can represent (Loki's chunks can hold MinInt64/MaxInt64).
 */
export function formatTimestamp(ns: bigint): string {
  if (ns <= -DATE_LIMIT_NS || ns >= DATE_LIMIT_NS) return `${ns} ns`;
  const seconds = floorDiv(ns, NS_PER_SECOND);
  const fraction = ns - seconds * NS_PER_SECOND;
  const iso = new Date(Number(seconds) * 1000).toISOString(); // yyyy-mm-ddThh:mm:ss.000Z (or ±yyyyyy-...)
  return `${iso.slice(0, -5)}.${fraction.toString().padStart(9, '0')}Z`;
}

/** A compact span: `850 ns`, `12.5 ms`, `3.2 s`, `4 min 10 s`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(ns: bigint): string {
  if (ns < 0n) return `-${formatDuration(-ns)}`;
  if (ns < 1000n) return `${ns} ns`;
  if (ns < NS_PER_MS) return `${trim(Number(ns) / 1e3)} µs`;
  if (ns < NS_PER_SECOND) return `${trim(Number(ns) / 1e6)} ms`;
  const totalSeconds = Number(ns / NS_PER_SECOND);
  if (totalSeconds < 60) return `${trim(Number(ns) / 1e9)} s`;
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = totalSeconds;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`);
    if (parts.length === 2) break;
  }
  return parts.filter((part) => !part.startsWith('0 ')).join(' ');
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2).replace(/\.?0+$/, '');
}

/** `1,484,717` (grouped, locale-independent so tests and screenshots are stable). */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1.42 MiB (1,484,717 B)` style sizes; bytes alone below 1 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}

/** `4.21×` (original over stored size), or an em dash when it cannot be computed. */
export function formatRatio(original: number, stored: number): string {
  if (!(stored > 0)) return '—';
  return `${(original / stored).toFixed(2)}×`;
}

/** A CRC as Loki prints it: 8 lowercase hex digits. */
export function formatCrc(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, '0');
}

/** A stream's labels in Prometheus/LogQL form, `{app="api", env="prod"}`, without `__name__`. */
export function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .filter(([name]) => name !== '__name__')
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `{${pairs.join(', ')}}`;
}

/**
 * The same instant without its date when it falls on `day` (`yyyy-mm-dd`): `08:00:04.919397554`, for tables
 * whose header names the day once. Falls back to {@link formatTimestamp}.
 */
export function formatTimeOfDay(ns: bigint, day: string): string {
  const full = formatTimestamp(ns);
  return full.startsWith(`${day}T`) ? full.slice(day.length + 1, -1) : full;
}

/** The UTC day (`yyyy-mm-dd`) of a timestamp, or `null` outside the Date range. */
export function utcDay(ns: bigint): string | null {
  const full = formatTimestamp(ns);
  return full.endsWith(' ns') ? null : full.slice(0, full.indexOf('T'));
}
