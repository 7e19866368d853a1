/** A byte source over a local file (Node): reads by position through a `FileHandle`, never the whole file. */
import { open, type FileHandle } from 'node:fs/promises';
import { LokiChunkError } from '../../errors.js';
import { BaseByteSource, asIoError, type MeteredByteSource } from '../byte-source.js';

/** A source reading a file by ranges. */
export interface FileByteSource extends MeteredByteSource {
  /** The handle read from. */
  readonly handle: FileHandle;
  /** Closes the handle when this source opened it (from a path); a handle passed in is left to its owner. */
  close(): Promise<void>;
}

class FileSource extends BaseByteSource implements FileByteSource {
  constructor(
    readonly handle: FileHandle,
    readonly size: number,
    private readonly ownsHandle: boolean,
  ) {
    super();
  }

  protected async readRange(offset: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length);
    let filled = 0;
    // One call usually fills the buffer; a short read only means "call again", and 0 bytes means end of file.
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) {
        throw new LokiChunkError('TRUNCATED', `file ended at ${offset + filled} bytes, ${this.size} expected (did it shrink?)`, {
          offset: offset + filled,
        });
      }
      filled += bytesRead;
    }
    this.countTransfer(length);
    return buffer;
  }

  async close(): Promise<void> {
    if (!this.ownsHandle) return;
    try {
      await this.handle.close();
    } catch (error) {
      throw asIoError(error, 'closing the file', 0);
    }
  }
}

/**
 * A source over a file: a path (opened read-only here, closed by {@link FileByteSource.close}) or an open
 * `FileHandle` (left open: its owner closes it). The size is taken when the source is made.
 * @throws {LokiChunkError} `IO_ERROR` when the file cannot be opened or examined.
 */
export async function fileSource(file: string | URL | FileHandle): Promise<FileByteSource> {
  const given = isFileHandle(file);
  let handle: FileHandle;
  try {
    handle = isFileHandle(file) ? file : await open(file, 'r');
  } catch (error) {
    throw asIoError(error, `opening ${String(file)}`, 0);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new LokiChunkError('IO_ERROR', `${given ? 'the file handle' : String(file)} is not a regular file`);
    return new FileSource(handle, stats.size, !given);
  } catch (error) {
    if (!given) await handle.close().catch(() => undefined);
    throw asIoError(error, `examining ${given ? 'the file handle' : String(file)}`, 0);
  }
}

function isFileHandle(file: string | URL | FileHandle): file is FileHandle {
  return typeof file === 'object' && 'fd' in file && typeof file.read === 'function';
}
