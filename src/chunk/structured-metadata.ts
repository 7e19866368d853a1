/**
 * Structured metadata as Loki's reader presents it. Chunks store names raw; Loki's reader renames them to
 * Prometheus label names (`otlptranslator.LabelNamer{}.Build`), and its query pipeline then sorts them and keeps
 * one value per name. These helpers reproduce both steps for callers who want Loki's view.
 */
import { LokiChunkError } from '../errors.js';

/** One structured-metadata pair: `[name, value]`. */
export type StructuredMetadataPair = [name: string, value: string];

const PLAIN_NAME = /^[A-Za-z0-9]*$/;
const isAlphanumeric = (code: number): boolean =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39);

/**
 * Loki's read-side name normalisation (`otlptranslator.LabelNamer{}.Build`): every run of characters outside
 * `[A-Za-z0-9]` (underscores included) becomes one `_`; a `__x__` name keeps its double underscores around the
 * sanitised middle; a leading digit gets `key_` prepended. The empty name is returned unchanged (Loki's
 * symbolizer never normalises it).
 * @throws {LokiChunkError} `MALFORMED` when the result would be only underscores (Loki's query fails then too).
 */
export function normalizeLabelName(name: string): string {
  if (name === '') return '';
  let middle = name;
  const reserved = name.length >= 4 && name.startsWith('__') && name.endsWith('__');
  if (reserved) middle = name.slice(2, -2);
  let out = '';
  if (PLAIN_NAME.test(middle)) {
    out = middle;
  } else {
    // Iterate by code point so a surrogate pair (one Go rune) yields one replacement, as in Go.
    let previousWasUnderscore = false;
    for (const char of middle) {
      if (char.length === 1 && isAlphanumeric(char.charCodeAt(0))) {
        out += char;
        previousWasUnderscore = false;
      } else if (!previousWasUnderscore) {
        out += '_';
        previousWasUnderscore = true;
      }
    }
  }
  if (reserved) out = `__${out}__`;
  const first = out.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) out = `key_${out}`;
  if (/^_*$/.test(out)) {
    throw new LokiChunkError('MALFORMED', `structured-metadata name ${JSON.stringify(name)} normalizes to ${JSON.stringify(out)}, which Loki rejects`);
  }
  return out;
}

/** The pairs with Loki's name normalisation applied (same order); see {@link normalizeLabelName}. */
export function normalizeStructuredMetadata(pairs: readonly StructuredMetadataPair[]): StructuredMetadataPair[] {
  return pairs.map(([name, value]) => [normalizeLabelName(name), value]);
}

/** Names Loki's query pipeline takes out of structured metadata (they become the pipeline's error). */
const PIPELINE_ERROR_LABELS = new Set(['__error__', '__error_details__']);

/**
 * Structured metadata as Loki's query pipeline returns it (`LabelsBuilder` of the no-op pipeline): names
 * normalised, one value per name (the last wins), `__error__`/`__error_details__` removed, sorted by name.
 */
export function queryStructuredMetadata(pairs: readonly StructuredMetadataPair[]): StructuredMetadataPair[] {
  const byName = new Map<string, string>();
  for (const [rawName, value] of pairs) {
    const name = normalizeLabelName(rawName);
    if (PIPELINE_ERROR_LABELS.has(name)) continue;
    byName.delete(name);
    byName.set(name, value);
  }
  return [...byName.entries()].sort(([a], [b]) => compareUtf8(a, b));
}

/** Compares two strings in UTF-8 byte order (Go's string order), not UTF-16 code-unit order. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF, which sort after 0xE000-0xFFFF in UTF-8.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
