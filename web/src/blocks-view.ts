/** The block table: one row per block of the metas (or per block salvage recovered). */
import { h, replaceChildren } from './dom.js';
import { formatCount, formatCrc, formatTimeOfDay, formatTimestamp, utcDay } from './format.js';
import type { BlockRow, BlockStatus } from './inspection.js';

const STATUS_TEXT: Record<BlockStatus, string> = {
  ok: 'OK',
  unread: 'not fetched',
  undecodable: 'does not decode',
  skipped: 'skipped (CRC)',
  moved: 'moved',
  found: 'found by scan',
};

/** Statuses the table highlights: the block's entries are lost or were not where the metas say. */
const ATTENTION: ReadonlySet<BlockStatus> = new Set<BlockStatus>(['skipped', 'undecodable', 'moved']);

/** Where a block row is identified: the metas position when there is one, else its offset. */
export function blockKey(row: BlockRow): string {
  return row.metaIndex === null ? `@${row.offset}` : String(row.metaIndex);
}

/** Renders the table; `onSelect` is called when a block's button (its number) is used. */
export function renderBlocks(container: HTMLElement, rows: readonly BlockRow[], onSelect: (row: BlockRow) => void): void {
  if (rows.length === 0) {
    replaceChildren(container, h('p', { class: 'muted' }, 'No blocks.'));
    return;
  }
  const sizeHeader = rows.some((row) => row.decompressedSize !== null) ? 'Original' : 'Uncompressed';
  // Times without their date when every block lies within one UTC day (named once, in the header).
  const days = new Set(rows.flatMap((row) => [row.mint, row.maxt]).map((time) => (time === null ? null : utcDay(time))));
  const day = days.size === 1 ? [...days][0] ?? null : null;
  const time = (value: bigint | null) =>
    value === null ? '—' : h('span', { title: formatTimestamp(value) }, day ? formatTimeOfDay(value, day) : formatTimestamp(value));
  const timeHeader = (label: string) => (day ? `${label} (${day})` : label);
  const header = h(
    'tr',
    {},
    ...['Block', 'Offset', 'Compressed', sizeHeader, 'Entries', timeHeader('mint'), timeHeader('maxt'), 'CRC-32C', 'Status'].map((label, column) =>
      h('th', { scope: 'col', class: column >= 1 && column <= 4 ? 'num' : null }, label),
    ),
  );
  const body = rows.map((row) => {
    // The real size once decompressed; until then Loki's counter from the metas (line bytes + 8 per pair), marked.
    const counter = row.uncompressedSize === null ? null : `Loki's size counter in the metas: ${formatCount(row.uncompressedSize)}`;
    const size =
      row.decompressedSize !== null
        ? h('span', { title: counter }, formatCount(row.decompressedSize))
        : row.uncompressedSize !== null
          ? h('span', { class: 'muted', title: `${counter} (the block is not decompressed)` }, `~${formatCount(row.uncompressedSize)}`)
          : '—';
    const checksum = row.checksum
      ? h('span', { class: row.checksum.ok ? 'ok' : 'bad', title: row.checksum.ok ? null : `computed ${formatCrc(row.checksum.computed)}` },
          `${formatCrc(row.checksum.stored)} ${row.checksum.ok ? 'OK' : 'BAD'}`)
      : h('span', { class: 'muted' }, '—');
    // Metas position; `(→n)` when Loki's block index differs (after a skipped block); the offset when the metas
    // do not list the block (salvage found it by scanning).
    const label =
      row.metaIndex === null ? `@${formatCount(row.offset)}` : row.index !== null && row.index !== row.metaIndex ? `${row.metaIndex} (→${row.index})` : String(row.metaIndex);
    return h(
      'tr',
      { 'data-block': blockKey(row), 'data-status': row.status, class: ATTENTION.has(row.status) ? 'attention' : null },
      h(
        'td',
        {},
        row.mint === null || row.status === 'skipped'
          ? label
          : button(label, `Block ${label}: show its entries (its time range)`, () => onSelect(row)),
      ),
      h('td', { class: 'num' }, formatCount(row.offset)),
      h('td', { class: 'num' }, formatCount(row.length)),
      h('td', { class: 'num' }, size),
      h('td', { class: 'num' }, row.entryCount === null ? '—' : formatCount(row.entryCount)),
      h('td', { class: 'time' }, time(row.mint)),
      h('td', { class: 'time' }, time(row.maxt)),
      h('td', { class: 'crc' }, checksum),
      h('td', { title: row.note || null }, STATUS_TEXT[row.status], row.note ? h('span', { class: 'note' }, ` · ${row.note}`) : ''),
    );
  });
  replaceChildren(
    container,
    h('div', { class: 'table-scroll' }, h('table', { class: 'blocks' }, h('thead', {}, header), h('tbody', {}, ...body))),
  );
}

function button(text: string, label: string, action: () => void): HTMLButtonElement {
  const element = h('button', { type: 'button', class: 'small block-button', 'aria-label': label, title: label }, text);
  element.addEventListener('click', action);
  return element;
}

/** Marks the row of the selected block (or none). */
export function highlightBlock(container: HTMLElement, key: string | null): void {
  for (const row of container.querySelectorAll<HTMLTableRowElement>('tr[data-block]')) {
    row.classList.toggle('selected', row.dataset.block === key);
  }
}
