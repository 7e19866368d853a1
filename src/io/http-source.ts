/**
 * A byte source over HTTP(S): every read is one `Range` request through `fetch`, checked to be a `206 Partial
 * Content` holding exactly the bytes asked for. Works with presigned object-store URLs, CDNs and any server that
 * honours ranges. A server that ignores `Range` (answering 200 with the whole object) is refused unless the
 * caller allows downloading the object whole.
 */
import { DEFAULT_LIMITS } from '../chunk/limits.js';
import { LokiChunkError } from '../errors.js';
import { BaseByteSource, type MeteredByteSource } from './byte-source.js';

/** Options of {@link httpSource}. */
export interface HttpSourceOptions {
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** Extra request headers (authorisation, ...); the source sets `Range` itself. */
  headers?: HeadersInit;
  /** The object's size when already known: no size probe is made. */
  size?: number;
  /**
   * How the size is found: `range` (default) asks for `bytes=0-0` and reads the total from `Content-Range`
   * (works with URLs presigned for GET only); `head` reads `Content-Length` from a HEAD request.
   */
  probe?: 'range' | 'head';
  /**
   * What to do when the server ignores `Range` and answers 200 with the whole object: `error` (default) raises
   * `IO_ERROR` without reading the body; `download` reads the object once, counts it, and serves every read from
   * memory.
   */
  onRangeIgnored?: 'error' | 'download';
  /** Largest object `onRangeIgnored: 'download'` accepts (default: `DEFAULT_LIMITS.maxChunkSize`, 512 MiB). */
  maxDownloadSize?: number;
  /** Aborts every request of this source. */
  signal?: AbortSignal;
}

/** A source reading an HTTP URL by ranges. */
export interface HttpByteSource extends MeteredByteSource {
  /** The URL read. */
  readonly url: string;
  /** `true` once a server that ignored `Range` made the source download the whole object. */
  readonly downloadedWhole: boolean;
}

/**
 * Opens `url` for range reads: finds its size (see {@link HttpSourceOptions.probe}) unless given.
 * @throws {LokiChunkError} `IO_ERROR` when the request fails, the server answers with an error status, gives no
 *   usable size, or ignores `Range` (unless `onRangeIgnored: 'download'`); `INVALID_ARGUMENT` for bad options.
 */
export async function httpSource(url: string | URL, options: HttpSourceOptions = {}): Promise<HttpByteSource> {
  const fetchFunction = options.fetch ?? (typeof fetch === 'function' ? fetch : undefined);
  if (fetchFunction === undefined) throw new LokiChunkError('INVALID_ARGUMENT', 'httpSource needs fetch: pass options.fetch');
  if (options.size !== undefined && !(Number.isSafeInteger(options.size) && options.size >= 0)) {
    throw new LokiChunkError('INVALID_ARGUMENT', `httpSource: size must be a non-negative integer, got ${options.size}`);
  }
  const source = new HttpSource(String(url), fetchFunction, options);
  await source.findSize(options.size, options.probe ?? 'range');
  return source;
}

const UNKNOWN_SIZE = -1;

class HttpSource extends BaseByteSource implements HttpByteSource {
  private objectSize = UNKNOWN_SIZE;
  private whole: Uint8Array | null = null;
  private readonly maxDownloadSize: number;

  constructor(
    readonly url: string,
    private readonly fetchFunction: typeof fetch,
    private readonly options: HttpSourceOptions,
  ) {
    super();
    this.maxDownloadSize = options.maxDownloadSize ?? DEFAULT_LIMITS.maxChunkSize;
  }

  get size(): number {
    return this.objectSize;
  }

  get downloadedWhole(): boolean {
    return this.whole !== null;
  }

  /** Sets the size: given, or probed. */
  async findSize(known: number | undefined, probe: 'range' | 'head'): Promise<void> {
    if (known !== undefined) {
      this.objectSize = known;
      return;
    }
    const response = await this.request(probe === 'head' ? 'HEAD' : 'GET', probe === 'head' ? null : 'bytes=0-0', 0);
    if (probe === 'head') {
      this.countTransfer(0);
      await discard(response);
      if (!response.ok) throw this.statusError(response, 'HEAD');
      this.objectSize = this.parseSize(response.headers.get('Content-Length'), 'Content-Length');
      return;
    }
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('Content-Range'));
      const body = await this.readBody(response, 1, 0);
      this.countTransfer(body.length);
      if (range?.total === undefined) throw this.error('answered the size probe without a total size in Content-Range', 0);
      this.objectSize = range.total;
      return;
    }
    if (response.status === 416) {
      // Not satisfiable: an empty object (its size is in `Content-Range: bytes */0`).
      this.countTransfer(0);
      await discard(response);
      this.objectSize = this.parseSize(/^bytes \*\/(\d+)$/i.exec(response.headers.get('Content-Range') ?? '')?.[1] ?? null, 'Content-Range');
      return;
    }
    if (response.status === 200) {
      await this.downloadWhole(response);
      return;
    }
    await discard(response);
    throw this.statusError(response, 'GET bytes=0-0');
  }

  protected async readRange(offset: number, length: number): Promise<Uint8Array> {
    if (this.whole) return this.whole.subarray(offset, offset + length);
    const last = offset + length - 1;
    const response = await this.request('GET', `bytes=${offset}-${last}`, offset);
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('Content-Range'));
      if (range && (range.first !== offset || range.last !== last || (range.total !== undefined && range.total !== this.objectSize))) {
        await discard(response);
        throw this.error(
          `answered bytes ${range.first}-${range.last}/${range.total ?? '*'} to a request for ${offset}-${last}/${this.objectSize}`,
          offset,
        );
      }
      const body = await this.readBody(response, length, offset);
      this.countTransfer(body.length);
      if (body.length !== length) throw this.error(`sent ${body.length} bytes for a ${length}-byte range at offset ${offset}`, offset);
      return body;
    }
    if (response.status === 200) {
      await this.downloadWhole(response);
      return this.whole!.subarray(offset, offset + length);
    }
    await discard(response);
    throw this.statusError(response, `GET bytes=${offset}-${last}`, offset);
  }

  /** A 200 to a range request: the whole object, downloaded only when the caller allowed it. */
  private async downloadWhole(response: Response): Promise<void> {
    if (this.options.onRangeIgnored !== 'download') {
      await discard(response);
      throw this.error("ignored the Range header (HTTP 200, the whole object): not downloading it whole unless onRangeIgnored is 'download'", 0);
    }
    const body = await this.readBody(response, this.maxDownloadSize, 0);
    this.countTransfer(body.length);
    if (this.objectSize !== UNKNOWN_SIZE && body.length !== this.objectSize) {
      throw this.error(`sent ${body.length} bytes for an object of ${this.objectSize} bytes`, 0);
    }
    this.objectSize = body.length;
    this.whole = body;
  }

  private async request(method: 'GET' | 'HEAD', range: string | null, offset: number): Promise<Response> {
    const headers = new Headers(this.options.headers);
    if (range !== null) headers.set('Range', range);
    // Called unbound: a browser's fetch throws "Illegal invocation" when called as a method of another object.
    const fetchFunction = this.fetchFunction;
    try {
      return await fetchFunction(this.url, { method, headers, signal: this.options.signal });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new LokiChunkError('IO_ERROR', `${method} ${this.shownUrl}${range ? ` (${range})` : ''} failed: ${reason}`, { offset, cause: error });
    }
  }

  /** Reads a response body, refusing (without buffering it) one longer than `limit`. */
  private async readBody(response: Response, limit: number, offset: number): Promise<Uint8Array> {
    const declared = Number(response.headers.get('Content-Length') ?? Number.NaN);
    if (declared > limit) {
      await discard(response);
      throw this.error(`announced ${declared} bytes where at most ${limit} were expected`, offset);
    }
    const reader = response.body?.getReader();
    if (!reader) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        throw this.error(`sent more than the ${limit} bytes expected`, offset);
      }
      parts.push(value);
    }
    return concatenate(parts, total);
  }

  private parseSize(value: string | null, header: string): number {
    const size = value !== null && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(size)) throw this.error(`gave no usable object size (${header}: ${value ?? 'absent'})`, 0);
    return size;
  }

  private statusError(response: Response, request: string, offset = 0): LokiChunkError {
    return this.error(`answered ${request} with HTTP ${response.status} ${response.statusText}`.trimEnd(), offset);
  }

  private error(what: string, offset: number): LokiChunkError {
    return new LokiChunkError('IO_ERROR', `${this.shownUrl}: the server ${what}`, { offset });
  }

  /** The URL without its query string, which may hold credentials (presigned URLs). */
  private get shownUrl(): string {
    const queryAt = this.url.search(/[?#]/);
    return queryAt === -1 ? this.url : this.url.slice(0, queryAt);
  }
}

/** `Content-Range: bytes first-last/total` (total may be `*`); `null` when absent or unparsable. */
function parseContentRange(value: string | null): { first: number; last: number; total: number | undefined } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/i.exec(value?.trim() ?? '');
  if (!match) return null;
  return { first: Number(match[1]), last: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

/** Releases a response's body without reading it (keeps the connection reusable, avoids leaks). */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function concatenate(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
