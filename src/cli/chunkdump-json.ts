/**
 * chunkdump `--json`: one JSON object per file on one line (NDJSON). The shape is a stable interface documented
 * in the README: checksums are 8 lowercase hex digits, int64 nanosecond times (`mint`, `maxt`, `ts`) and the
 * uint64 fingerprint are decimal strings, entries use the golden entry JSON of `ndjson.ts`.
 */
import type { ChecksumCheck } from '../index.js';
import type { BlockReport, FileReport, Problem, SkippedBlockReport } from './chunkdump-report.js';
import { hex8 } from './chunkdump-report.js';
import { entryToJSON } from './ndjson.js';

/** Which optional parts to include. */
export interface JSONParts {
  /** `structuredMetadata.symbols` (`--symbols`). */
  symbols: boolean;
  /** `blocks[].sha256` (`--blocks`). */
  hashes: boolean;
  /** `skippedBlocks` (`--lenient`). */
  skipped: boolean;
}

/** The JSON line for one file (without the newline). */
export function reportToJSONLine(report: FileReport, parts: JSONParts): string {
  return JSON.stringify(reportToJSON(report, parts));
}

/** The JSON object for one file, in the documented field order. */
export function reportToJSON(report: FileReport, parts: JSONParts): Record<string, unknown> {
  const chunk = report.chunk;
  const wrapper = chunk?.wrapper ?? null;
  const section = chunk?.structuredMetadata ?? null;
  const out: Record<string, unknown> = {
    file: report.file,
    bytes: report.bytes,
    ok: report.problems.length === 0,
    errors: report.problems.map(problemJSON),
    wrapper: wrapper && {
      userID: wrapper.userID,
      fingerprint: wrapper.fingerprint.toString(),
      fingerprintHex: wrapper.fingerprintHex,
      from: wrapper.from,
      through: wrapper.through,
      labels: wrapper.labels,
      encoding: wrapper.encoding,
      ingestedAt: wrapper.ingestedAt,
      metadataLength: wrapper.metadataLength,
      dataOffset: wrapper.dataOffset,
      dataLength: wrapper.dataLength,
      checksum: hex8(wrapper.checksum),
      externalKey: wrapper.externalKey,
    },
    format: chunk?.format ?? null,
    encoding: chunk && { byte: chunk.encoding.id, name: chunk.encoding.name },
    metas: chunk && {
      offset: chunk.metas.offset,
      length: chunk.metas.length,
      blockCount: chunk.metas.blockCount,
      checksum: checksumJSON(chunk.metas.checksum),
    },
    structuredMetadata: section && {
      offset: section.offset,
      length: section.length,
      symbolCount: section.symbolCount,
      checksum: checksumJSON(section.checksum),
      ...(parts.symbols ? { symbols: chunk!.symbols } : {}),
    },
    blocks: report.blocks.map((block) => blockJSON(block, parts.hashes)),
  };
  if (parts.skipped) out.skippedBlocks = report.skippedBlocks.map(skippedJSON);
  if (report.entries) out.entries = report.entries.map((entry) => entryToJSON(entry));
  return out;
}

function problemJSON(problem: Problem): Record<string, unknown> {
  const out: Record<string, unknown> = { code: problem.code, message: problem.message };
  if (problem.offset !== undefined) out.offset = problem.offset;
  if (problem.block !== undefined) out.block = problem.block;
  return out;
}

function checksumJSON(checksum: ChecksumCheck): Record<string, unknown> {
  return { stored: hex8(checksum.stored), computed: hex8(checksum.computed), ok: checksum.ok };
}

function blockJSON(block: BlockReport, hashes: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    index: block.index,
    offset: block.offset,
    length: block.length,
    entries: block.entryCount,
    decodedEntries: block.decodedEntries,
    mint: block.mint.toString(),
    maxt: block.maxt.toString(),
    uncompressedSize: block.uncompressedSize,
    decompressedSize: block.decompressedSize,
    checksum: checksumJSON(block.checksum),
  };
  if (block.storedOffset !== undefined) out.storedOffset = block.storedOffset;
  if (hashes && block.sha256) out.sha256 = block.sha256;
  if (block.error) out.error = problemJSON(block.error);
  return out;
}

function skippedJSON(block: SkippedBlockReport): Record<string, unknown> {
  return {
    metaIndex: block.metaIndex,
    offset: block.offset,
    length: block.length,
    entries: block.entryCount,
    mint: block.mint.toString(),
    maxt: block.maxt.toString(),
    error: problemJSON(block.error),
  };
}
