/**
 * Which entries the list shows: a time range (inclusive at both ends, as a user reads "from ... to ...") and a
 * case-insensitive text search over lines and structured-metadata names and values. Works on the columnar
 * {@link EntryColumns} so filtering 10,000+ entries on every keystroke stays cheap.
 */
import type { EntryColumns } from './entry-columns.js';

/** What the user asked for. `null` bounds are open. */
export interface EntryFilter {
  from: bigint | null;
  to: bigint | null;
  text: string;
}

/** The empty filter: every entry. */
export const NO_FILTER: EntryFilter = { from: null, to: null, text: '' };

/** Positions (into `entries`) of the entries matching `filter`, in list order. */
export function filterEntries(entries: EntryColumns, filter: EntryFilter): Uint32Array {
  const needle = filter.text.trim().toLowerCase();
  const matches = new Uint32Array(entries.count);
  let matched = 0;
  for (let index = 0; index < entries.count; index++) {
    const timestamp = entries.timestamps[index]!;
    if (filter.from !== null && timestamp < filter.from) continue;
    if (filter.to !== null && timestamp > filter.to) continue;
    if (needle !== '' && !entries.searchText(index).includes(needle)) continue;
    matches[matched++] = index;
  }
  return matches.subarray(0, matched);
}

/** True when the filter lets every entry through. */
export function isEmptyFilter(filter: EntryFilter): boolean {
  return filter.from === null && filter.to === null && filter.text.trim() === '';
}
