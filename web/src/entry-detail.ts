/** The detail panel: the selected entry in full (exact timestamp, whole line, structured metadata). */
import type { LogEntry } from '../../src/index.js';
import { h, replaceChildren } from './dom.js';
import { formatCount, formatTimestamp } from './format.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Renders `entry` (or a hint when nothing is selected). */
export function renderEntryDetail(container: HTMLElement, entry: LogEntry | null, position: string): void {
  if (!entry) {
    replaceChildren(container, h('p', { class: 'muted' }, 'Select an entry (click, or focus the list and use the arrow keys) to see it in full.'));
    return;
  }
  const bytes = entry.lineBytes.length;
  const facts = [
    position,
    `${formatCount(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`,
    isValidUtf8(entry.lineBytes) ? '' : 'not valid UTF-8 (shown with U+FFFD)',
    `${entry.structuredMetadata.length} structured metadata ${entry.structuredMetadata.length === 1 ? 'pair' : 'pairs'}`,
  ].filter(Boolean);
  replaceChildren(
    container,
    h('p', { class: 'detail-head' }, h('strong', { class: 'ts' }, formatTimestamp(entry.timestamp)), h('code', { class: 'muted' }, ` ${entry.timestamp} ns`), ` · ${facts.join(' · ')}`),
    h('pre', { class: 'detail-line', tabindex: 0, 'aria-label': 'Line' }, entry.line === '' ? h('span', { class: 'muted' }, '(empty line)') : entry.line),
    entry.structuredMetadata.length === 0
      ? null
      : h(
          'table',
          { class: 'metadata' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name (as stored)'), h('th', { scope: 'col' }, 'Value'))),
          h('tbody', {}, ...entry.structuredMetadata.map(([name, value]) => h('tr', {}, h('td', {}, h('code', {}, name)), h('td', {}, h('code', {}, value))))),
        ),
  );
}
