/**
 * chunkdump's human output: a summary per file (wrapper header, sections and checksums, time range, sizes, status),
 * then on request the blocks, the symbol table and the entries. Times are RFC 3339 UTC; checksums print as
 * `OK`/`BAD (computed ...)`; lines and symbols are escaped so nothing in a chunk can drive the terminal.
 */
import type { ChecksumCheck, StorageWrapper } from '../index.js';
import type { BlockReport, FileReport, Problem, ReportEntry, SkippedBlockReport } from './chunkdump-report.js';
import { hex8 } from './chunkdump-report.js';
import { escapeControls, type Style } from './chunkdump-style.js';
import { formatDuration, formatMillis, formatNanos } from './chunkdump-time.js';

/** Which optional parts to print. */
export interface HumanParts {
  blocks: boolean;
  symbols: boolean;
  /** The direction the entries were listed in (for their heading). */
  direction: 'forward' | 'backward';
}

const LABEL_WIDTH = 12;
const lossyUtf8 = new TextDecoder('utf-8');

/** The human report for one file, as lines (without newlines). */
export function renderHuman(report: FileReport, parts: HumanParts, style: Style): string[] {
  return [...humanLines(report, parts, style)];
}

/** {@link renderHuman} line by line, so the CLI makes each entry's line only as it writes it. */
export function* humanLines(report: FileReport, parts: HumanParts, style: Style): Generator<string, void, undefined> {
  const lines: string[] = [style.strong(`${displayName(report.file)}: ${report.bytes === null ? 'unreadable' : `${report.bytes} bytes`}`)];
  const field = (label: string, text: string) => lines.push(`  ${style.dim(label.padEnd(LABEL_WIDTH))}${text}`);
  const chunk = report.chunk;
  if (chunk) {
    if (chunk.wrapper) wrapperFields(chunk.wrapper, field);
    field('format', `v${chunk.format} (head block: ${chunk.headBlockFormat.name})`);
    field('encoding', `${chunk.encoding.name} (codec byte ${chunk.encoding.id})`);
    field('metas', `offset ${chunk.metas.offset}, ${chunk.metas.length} bytes, checksum ${checksumText(chunk.metas.checksum, style)}`);
    const section = chunk.structuredMetadata;
    field(
      'symbols',
      section
        ? `${section.symbolCount} (structured-metadata section at offset ${section.offset}, ${section.length} bytes), checksum ${checksumText(section.checksum, style)}`
        : `none (format v${chunk.format} has no structured-metadata section)`,
    );
    const entryCount = report.blocks.reduce((sum, block) => sum + block.entryCount, 0);
    const skipped = report.skippedBlocks.length > 0 ? `, ${report.skippedBlocks.length} skipped` : '';
    field('blocks', `${report.blocks.length}${skipped}, ${entryCount} entries`);
    field('time', timeRange(chunk.minTime, chunk.maxTime));
    const ratio = report.bytes ? `, ratio ${(report.originalSize / report.bytes).toFixed(2)}` : '';
    field('size', `${report.originalSize} bytes original, ${report.bytes} bytes in file${ratio}`);
  }
  field('status', report.problems.length === 0 ? style.ok('OK') : style.bad(damageText(report)));
  if (chunk && parts.blocks) {
    for (const block of report.blocks) blockLines(block, field, style);
    for (const block of report.skippedBlocks) skippedLine(block, field, style);
  }
  if (chunk && parts.symbols && chunk.structuredMetadata) {
    lines.push(`  ${style.dim('symbol table')} (${chunk.symbols.length} symbols, index and text)`);
    const width = String(Math.max(chunk.symbols.length - 1, 0)).length;
    chunk.symbols.forEach((symbol, index) => lines.push(`    ${String(index).padStart(width)}  ${escapeControls(symbol)}`));
  }
  if (report.entries) {
    const order = report.entriesInLokiOrder ? "Loki's order" : 'from the good blocks only, by time';
    field('entries', `${report.entries.length} listed, ${parts.direction}, ${order}`);
  }
  yield* lines;
  for (const entry of report.entries ?? []) yield entryLine(entry, style);
}

/** One problem as one line for standard error: file, offset, block, code and message. */
export function problemLine(report: FileReport, problem: Problem): string {
  const where: string[] = [];
  if (problem.offset !== undefined) where.push(offsetText(report, problem, problem.offset));
  if (problem.block !== undefined) where.push(`block ${problem.block}`);
  const location = where.length > 0 ? `${where.join(', ')}: ` : '';
  return `${displayName(report.file)}: ${location}${problem.code}: ${escapeControls(problem.message)}`;
}

/** One entry: RFC 3339 time, the line, then its structured metadata. */
export function entryLine(entry: ReportEntry, style: Style): string {
  const line = escapeControls(lossyUtf8.decode(entry.lineBytes));
  const time = formatNanos(entry.timestamp);
  if (entry.structuredMetadata.length === 0) return `${time}  ${line}`;
  return `${time}  ${line}  ${style.dim(metadataText(entry.structuredMetadata))}`;
}

/** `{name="value", ...}`; names that are not plain identifiers are quoted too. */
function metadataText(pairs: ReportEntry['structuredMetadata']): string {
  const text = pairs.map(([name, value]) => `${/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(name) ? name : quote(name)}=${quote(value)}`);
  return `{${text.join(', ')}}`;
}

/** A JSON-quoted string with C1 controls escaped as well (JSON leaves them raw). */
function quote(text: string): string {
  return escapeControls(JSON.stringify(text));
}

function displayName(file: string): string {
  return file === '-' ? '<stdin>' : escapeControls(file);
}

/** `offset N`; in a storage-wrapped file, chunk offsets also give the file offset when the wrapper was read. */
function offsetText(report: FileReport, problem: Problem, offset: number): string {
  if (!report.wrapped || problem.code === 'BAD_WRAPPER') return `offset ${offset}`;
  const wrapper = report.chunk?.wrapper;
  return wrapper ? `chunk offset ${offset} (file offset ${wrapper.dataOffset + offset})` : `chunk offset ${offset}`;
}

function damageText(report: FileReport): string {
  const count = report.problems.length;
  return `${report.ioError ? 'UNREADABLE' : 'DAMAGED'}: ${count === 1 ? '1 problem' : `${count} problems`} (listed on standard error)`;
}

function wrapperFields(wrapper: StorageWrapper, field: (label: string, text: string) => void): void {
  field('wrapper', `storage-wrapped: ${wrapper.metadataLength}-byte header, chunk at file offset ${wrapper.dataOffset} (${wrapper.dataLength} bytes)`);
  field('tenant', escapeControls(wrapper.userID));
  field('fingerprint', `${wrapper.fingerprintHex} (${wrapper.fingerprint})`);
  field('labels', metadataText(Object.entries(wrapper.labels)));
  field('from', formatMillis(wrapper.from));
  field('through', `${formatMillis(wrapper.through)} (${formatDuration(BigInt(wrapper.through - wrapper.from) * 1_000_000n)} after from)`);
  field('ingestedAt', wrapper.ingestedAt ? formatMillis(wrapper.ingestedAt) : 'not set');
  field('key', escapeControls(wrapper.externalKey));
}

function timeRange(min: bigint | undefined, max: bigint | undefined): string {
  if (min === undefined || max === undefined) return 'no blocks';
  return `${formatNanos(min)} to ${formatNanos(max)} (${formatDuration(max - min)})`;
}

function checksumText(checksum: ChecksumCheck, style: Style): string {
  return checksum.ok
    ? `${hex8(checksum.stored)} ${style.ok('OK')}`
    : `${hex8(checksum.stored)} ${style.bad('BAD')} (computed ${hex8(checksum.computed)})`;
}

function ratioText(original: number | null, stored: number): string {
  return original === null || stored === 0 ? '' : ` (${(original / stored).toFixed(2)}x)`;
}

function blockLines(block: BlockReport, field: (label: string, text: string) => void, style: Style): void {
  const offset = block.storedOffset === undefined ? `${block.offset}` : `${block.offset} (metas say ${block.storedOffset}; recovered)`;
  const original = block.decompressedSize === null ? '?' : String(block.decompressedSize);
  const decoded = block.decodedEntries !== null && block.decodedEntries !== block.entryCount ? ` (${block.decodedEntries} decoded)` : '';
  field(
    `block ${block.index}`,
    `offset ${offset}: ${block.length} -> ${original} bytes${ratioText(block.decompressedSize, block.length)}, ` +
      `${block.entryCount} entries${decoded}, checksum ${checksumText(block.checksum, style)}`,
  );
  field('', `mint ${formatNanos(block.mint)}  maxt ${formatNanos(block.maxt)}`);
  if (block.sha256) {
    field('', `sha256 compressed   ${block.sha256.compressed}`);
    field('', `sha256 original     ${block.sha256.decompressed ?? '?'}`);
  }
  if (block.error) field('', style.bad(`${block.error.code}: ${escapeControls(block.error.message)}`));
}

function skippedLine(block: SkippedBlockReport, field: (label: string, text: string) => void, style: Style): void {
  field(
    'skipped',
    `metas entry ${block.metaIndex} at offset ${block.offset}, ${block.length} bytes, ${block.entryCount} entries: ` +
      style.bad(escapeControls(block.error.message)),
  );
}
