/**
 * Opening a chunk by URL. Until the library's HTTP range source is available this downloads the whole object
 * and inspects it in memory, counting the bytes fetched.
 */
import { inspectBytes } from './inspect-bytes.js';
import type { Inspection } from './inspection.js';

/** Downloads `url` and inspects it. @throws when the request fails. */
export async function inspectUrl(url: string): Promise<Inspection> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const inspection = inspectBytes(bytes, url);
  const stats = { bytesRead: bytes.length, requests: 1, totalBytes: bytes.length };
  return { ...inspection, readStats: () => stats };
}
