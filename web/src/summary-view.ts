/** The summary panel: format, codec, checksums, wrapper and stream labels, time range, sizes and ratio. */
import { h, replaceChildren } from './dom.js';
import { formatBytes, formatCount, formatDuration, formatLabels, formatRatio, formatTimestamp } from './format.js';
import type { ChunkSummary, ReadMode, ReadStats } from './inspection.js';

const READ_MODES: Record<ReadMode, string> = {
  chunk: 'as Loki reads it',
  checkpoint: 'as a WAL checkpoint',
  blocks: 'block by block (a block does not decode)',
  salvage: 'salvaged (the structure is damaged)',
  ranges: 'by HTTP Range requests (blocks are fetched when entries are loaded)',
};

/** One `<dt>/<dd>` pair; `field` names it for tests and styling. */
function item(label: string, field: string, ...value: Array<Node | string>): HTMLElement[] {
  return [h('dt', {}, label), h('dd', { 'data-field': field }, ...value)];
}

function badge(state: 'ok' | 'bad' | 'unknown', text: string): HTMLElement {
  const mark = state === 'ok' ? 'OK' : state === 'bad' ? 'BAD' : '?';
  return h('span', { class: `badge ${state}`, 'data-state': state }, h('strong', {}, mark), ` ${text}`);
}

/** Renders `summary` (and the range-read counters, when the chunk is read over HTTP) into `container`. */
export function renderSummary(container: HTMLElement, summary: ChunkSummary, stats: ReadStats | null): void {
  const rows: HTMLElement[] = [];
  rows.push(...item('Source', 'source', h('span', { class: 'source-name' }, summary.source), ` · ${formatBytes(summary.inputBytes)}`));
  rows.push(
    ...item(
      'Format',
      'format',
      summary.format === null ? 'unknown' : `v${summary.format}`,
      summary.headBlockFormat
        ? h('span', { class: 'muted', title: `Loki's head block format ${summary.headBlockFormat.id}` }, ` · head block: ${summary.headBlockFormat.name}`)
        : '',
    ),
  );
  rows.push(...item('Codec', 'codec', summary.codec ? `${summary.codec.name} (${summary.codec.id})` : 'unknown'));
  rows.push(
    ...item(
      'Checksums',
      'checksums',
      h(
        'span',
        { class: 'badges' },
        ...summary.checksums.map((line) => h('span', { 'data-section': line.section, title: line.detail }, badge(line.state, `${line.section}: ${line.detail}`))),
      ),
    ),
  );
  if (summary.wrapper) {
    const wrapper = summary.wrapper;
    rows.push(...item('Stream', 'labels', h('code', { class: 'labels' }, formatLabels(wrapper.labels))));
    rows.push(
      ...item(
        'Wrapper',
        'wrapper',
        h(
          'span',
          { title: `from ${new Date(wrapper.from).toISOString()} through ${new Date(wrapper.through).toISOString()} (ms, as in the object key)` },
          `tenant ${wrapper.userID} · fingerprint ${wrapper.fingerprintHex}`,
        ),
        wrapper.externalKey ? h('br') : '',
        wrapper.externalKey ? h('code', { class: 'external-key', title: 'object key' }, wrapper.externalKey) : '',
      ),
    );
  }
  const range = summary.timeRange;
  rows.push(
    ...item(
      'Time range',
      'time-range',
      range ? formatTimestamp(range.min) : 'no entries',
      range ? h('br') : '',
      range ? `– ${formatTimestamp(range.max)}` : '',
      range ? h('span', { class: 'muted' }, ` · ${formatDuration(range.max - range.min)}`) : '',
    ),
  );
  rows.push(
    ...item(
      'Contents',
      'contents',
      `${formatCount(summary.blockCount)} ${summary.blockCount === 1 ? 'block' : 'blocks'}`,
      summary.metasEntryCount === null ? '' : ` · ${formatCount(summary.metasEntryCount)} entries (metas)`,
      summary.symbolCount === null ? '' : ` · ${formatCount(summary.symbolCount)} symbols`,
    ),
  );
  // Ratio as chunkdump prints it: the blocks' decompressed bytes over the chunk's bytes.
  rows.push(
    ...item(
      'Sizes',
      'sizes',
      `chunk ${formatBytes(summary.chunkBytes)} · blocks ${formatBytes(summary.compressedBytes)} compressed`,
      summary.decompressedBytes === null
        ? ''
        : ` → ${formatBytes(summary.decompressedBytes)} original · ratio ${formatRatio(summary.decompressedBytes, summary.chunkBytes)}`,
    ),
  );
  if (stats) {
    const share = stats.totalBytes > 0 ? ` (${((100 * stats.bytesRead) / stats.totalBytes).toFixed(1)}% of ${formatBytes(stats.totalBytes)})` : '';
    rows.push(
      ...item(
        'Fetched',
        'bytes-read',
        h('span', { 'data-bytes-read': stats.bytesRead, 'data-requests': stats.requests }, `${formatCount(stats.bytesRead)} bytes`),
        `${share} in ${stats.requests} range ${stats.requests === 1 ? 'request' : 'requests'}`,
      ),
    );
  }
  rows.push(...item('Read', 'read-mode', READ_MODES[summary.readMode]));
  replaceChildren(container, h('dl', { class: 'summary' }, ...rows));
}
