/**
 * httpSource against a real local HTTP server (node:http on 127.0.0.1) serving golden chunks: Range requests,
 * size probes, what a one-block query costs in requests, and servers that ignore Range or answer wrongly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChunk } from '../../src/chunk/chunk.js';
import { CHECKSUM_LENGTH } from '../../src/chunk/constants.js';
import type { LogEntry } from '../../src/chunk/entry.js';
import { openChunk } from '../../src/chunk/open-chunk.js';
import { httpSource } from '../../src/io/http-source.js';
import { goldenBytes } from '../helpers/golden-cases.js';

const key = (entry: LogEntry) => `${entry.timestamp} ${Buffer.from(entry.lineBytes).toString('base64')} ${JSON.stringify(entry.structuredMetadata)}`;

async function collect(iterable: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of iterable) out.push(key(entry));
  return out;
}

/** How the test server misbehaves on a path (`/<behaviour>/<file>`). */
type Behaviour = 'ranges' | 'ignore-range' | 'short' | 'wrong-range' | 'missing';

const files: Record<string, Uint8Array> = {
  'matrix-v4-snappy.chunk': goldenBytes('matrix-v4-snappy.chunk'),
  'wrapped-v3-gzip.wrapped.chunk': goldenBytes('wrapped-v3-gzip.wrapped.chunk'),
  'empty.bin': new Uint8Array(0),
};

let server: Server;
let base = '';
const log: Array<{ method: string; url: string; range: string | undefined; authorization: string | undefined }> = [];

function handle(request: IncomingMessage, response: ServerResponse): void {
  log.push({ method: request.method!, url: request.url!, range: request.headers.range, authorization: request.headers.authorization });
  const [, behaviour, name] = new URL(request.url!, 'http://x').pathname.split('/') as [string, Behaviour, string];
  const body = files[name];
  if (body === undefined || behaviour === 'missing') {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such object');
    return;
  }
  const whole = () => response.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'none' }).end(request.method === 'HEAD' ? undefined : body);
  const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
  if (request.method === 'HEAD' || !match || behaviour === 'ignore-range') return void whole();
  const first = Number(match[1]);
  const last = Math.min(Number(match[2]), body.length - 1);
  if (first >= body.length) {
    response.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
    return;
  }
  const shift = behaviour === 'wrong-range' ? 1 : 0;
  const part = body.subarray(first + shift, last + 1 + shift);
  const sent = behaviour === 'short' && part.length > 1 ? part.subarray(0, part.length - 1) : part;
  response
    .writeHead(206, { 'Content-Length': sent.length, 'Content-Range': `bytes ${first + shift}-${last + shift}/${body.length}` })
    .end(sent);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const url = (behaviour: Behaviour, name: string) => `${base}/${behaviour}/${name}`;
const requestsSince = (start: number) => log.slice(start);

describe('a server that honours Range', () => {
  const name = 'matrix-v4-snappy.chunk';
  const bytes = files[name]!;
  const chunk = readChunk(bytes);

  it('probes the size with bytes=0-0, then reads a one-block query with one request per section and one for the block', async () => {
    const start = log.length;
    const source = await httpSource(url('ranges', name), { headers: { Authorization: 'Bearer test' } });
    expect(source.size).toBe(bytes.length);
    expect(source).toMatchObject({ requests: 1, bytesRead: 1, downloadedWhole: false });

    const opened = await openChunk(source);
    const block = chunk.blocks[7]!;
    const query = { from: block.mint, through: block.mint + 1n };
    expect(await collect(opened.entries(query))).toEqual([...chunk.entries(query)].map(key));
    const expectedBytes = 1 + 6 + 32 + chunk.metas.length + CHECKSUM_LENGTH + chunk.structuredMetadata!.length + CHECKSUM_LENGTH + block.length + CHECKSUM_LENGTH;
    expect(source).toMatchObject({ requests: 6, bytesRead: expectedBytes });

    const requests = requestsSince(start);
    expect(requests.every((request) => request.method === 'GET' && request.authorization === 'Bearer test')).toBe(true);
    expect(requests.map((request) => request.range)).toEqual([
      'bytes=0-0',
      'bytes=0-5',
      `bytes=${bytes.length - 32}-${bytes.length - 1}`,
      `bytes=${chunk.metas.offset}-${chunk.metas.offset + chunk.metas.length + CHECKSUM_LENGTH - 1}`,
      `bytes=${chunk.structuredMetadata!.offset}-${chunk.structuredMetadata!.offset + chunk.structuredMetadata!.length + CHECKSUM_LENGTH - 1}`,
      `bytes=${block.offset}-${block.offset + block.length + CHECKSUM_LENGTH - 1}`,
    ]);
  });

  it('every entry, both directions, the same as readChunk', async () => {
    const opened = await openChunk(await httpSource(url('ranges', name)));
    expect(await collect(opened.entries())).toEqual([...chunk.entries()].map(key));
    expect(await collect(opened.entries({ direction: 'backward' }))).toEqual([...chunk.entries({ direction: 'backward' })].map(key));
  });

  it('a HEAD probe, or a known size (no probe), and a custom fetch', async () => {
    const head = await httpSource(url('ranges', name), { probe: 'head' });
    expect(head).toMatchObject({ size: bytes.length, requests: 1, bytesRead: 0 });
    let calls = 0;
    const receivers: unknown[] = [];
    const counted = function (this: unknown, input: Parameters<typeof fetch>[0], init?: RequestInit) {
      calls++;
      receivers.push(this); // A browser's fetch refuses to be called as a method of another object.
      return fetch(input, init);
    };
    const known = await httpSource(new URL(url('ranges', name)), { size: bytes.length, fetch: counted });
    expect(known).toMatchObject({ size: bytes.length, requests: 0 });
    expect([...(await known.read(0, 4))]).toEqual([...bytes.subarray(0, 4)]);
    expect(calls).toBe(1);
    expect(receivers).toEqual([undefined]);
  });

  it('a storage-wrapped object: the wrapper header read by range, then the chunk', async () => {
    const wrapped = files['wrapped-v3-gzip.wrapped.chunk']!;
    const expected = readChunk(wrapped);
    const source = await httpSource(url('ranges', 'wrapped-v3-gzip.wrapped.chunk'));
    const opened = await openChunk(source);
    expect(opened.wrapper).toMatchObject({ userID: expected.wrapper!.userID, labels: expected.wrapper!.labels });
    expect(await collect(opened.entries())).toEqual([...expected.entries()].map(key));
    expect(source.bytesRead).toBeLessThan(wrapped.length + 100);
  });

  it('an empty object (416 to the probe) has size 0 and is not a chunk', async () => {
    const source = await httpSource(url('ranges', 'empty.bin'));
    expect(source.size).toBe(0);
    await expect(openChunk(source)).rejects.toMatchObject({ code: 'TRUNCATED' });
  });
});

describe('servers that answer wrongly', () => {
  const name = 'matrix-v4-snappy.chunk';
  const bytes = files[name]!;

  it('ignores Range: refused by default, without reading the object', async () => {
    await expect(httpSource(url('ignore-range', name))).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('ignored the Range header') });
    const source = await httpSource(url('ignore-range', name), { probe: 'head' });
    await expect(source.read(100, 10)).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(source.bytesRead).toBe(0);
  });

  it("ignores Range with onRangeIgnored 'download': one download, counted, then reads from memory", async () => {
    const chunk = readChunk(bytes);
    const source = await httpSource(url('ignore-range', name), { onRangeIgnored: 'download' });
    expect(source).toMatchObject({ size: bytes.length, requests: 1, bytesRead: bytes.length, downloadedWhole: true });
    const opened = await openChunk(source);
    expect(await collect(opened.entries())).toEqual([...chunk.entries()].map(key));
    expect(source.requests).toBe(1);
    await expect(httpSource(url('ignore-range', name), { onRangeIgnored: 'download', maxDownloadSize: 1000 })).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
  });

  it('a short body or the wrong range: IO_ERROR', async () => {
    const short = await httpSource(url('short', name), { size: bytes.length });
    await expect(short.read(10, 100)).rejects.toMatchObject({ code: 'IO_ERROR', offset: 10 });
    const shifted = await httpSource(url('wrong-range', name), { size: bytes.length });
    await expect(shifted.read(10, 100)).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('answered bytes 11-110') });
  });

  it('an error status: IO_ERROR naming it, without the query string (it may hold credentials)', async () => {
    const error = await httpSource(`${url('missing', name)}?X-Amz-Signature=secret`).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('HTTP 404') });
    expect((error as Error).message).not.toContain('secret');
  });

  it('an unreachable server: IO_ERROR with the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await httpSource(`http://127.0.0.1:${port}/x`).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'IO_ERROR' });
    expect((error as Error).cause).toBeDefined();
  });

  it('bad options', async () => {
    await expect(httpSource(url('ranges', name), { size: -3 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
