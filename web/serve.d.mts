/** Types of web/serve.mjs (for the browser tests, which import it). */
export interface ServedRequest {
  method: string | undefined;
  path: string;
  /** The `Range` header, when the request had one. */
  range: string | null;
  status: number;
  /** Body bytes sent. */
  bytes: number;
}
export interface StartServerOptions {
  /** Folder served at `/`. */
  root: string;
  /** URL prefixes (`/fixtures/`) mapped to folders. */
  mounts?: Record<string, string>;
  /** Port on 127.0.0.1 (default: any free one). */
  port?: number;
  /** Called after every response. */
  onRequest?: (entry: ServedRequest) => void;
}
/** Parses a single-range `Range` header against a file of `size` bytes. */
export declare function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable';
/** Starts the static server on 127.0.0.1. */
export declare function startServer(options: StartServerOptions): Promise<{ url: string; port: number; close: () => Promise<void> }>;
