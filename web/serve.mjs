/**
 * A tiny static server for the inspector, on 127.0.0.1 only. Serves a folder (default `web-dist/`) plus
 * optional mounts (`npm run web` mounts the repository's `fixtures/` and `bench/data/`, so "open by URL" can be
 * tried on real chunks), with single-range `Range` requests as object stores answer them.
 * Usage: `node web/serve.mjs [--port 8080] [--dir web-dist]`. Tests import `startServer`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Parses a `Range` header against a file of `size` bytes: `{ start, end }` (inclusive), `null` when absent or
 * not a single byte range (the whole file is sent, as RFC 9110 allows), or `'unsatisfiable'`.
 */
export function parseRange(header, size) {
  const match = /^bytes=(\d*)-(\d*)$/.exec((header ?? '').trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** The file a URL path names under `root` or a mount, or `null` when it escapes them. */
function resolvePath(pathname, root, mounts) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  for (const [prefix, folder] of Object.entries(mounts)) {
    if (decoded.startsWith(prefix)) return inside(folder, decoded.slice(prefix.length));
  }
  return inside(root, decoded.endsWith('/') ? `${decoded}index.html` : decoded);
}

function inside(folder, relativePath) {
  const base = resolve(folder);
  const target = resolve(base, `.${sep}${relativePath}`);
  return target === base || target.startsWith(base + sep) ? target : null;
}

/**
 * Starts the server.
 * @param {{ root: string, mounts?: Record<string, string>, port?: number, onRequest?: (entry: object) => void }} options
 *   `mounts` maps URL prefixes (`/fixtures/`) to folders; `onRequest` receives `{ method, path, range, status, bytes }`
 *   for every response (the tests count the bytes that range reads fetched).
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export function startServer(options) {
  const root = resolve(options.root);
  const mounts = options.mounts ?? {};
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const log = (status, bytes) => options.onRequest?.({ method: request.method, path: url.pathname, range: request.headers.range ?? null, status, bytes });
    const fail = (status, text) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*' });
      response.end(text);
      log(status, 0);
    };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-allow-headers': 'range',
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return fail(405, 'method not allowed');
    const file = resolvePath(url.pathname, root, mounts);
    if (!file) return fail(403, 'forbidden');
    let info;
    try {
      info = await stat(file);
    } catch {
      return fail(404, 'not found');
    }
    if (!info.isFile()) return fail(404, 'not found');
    const headers = {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'accept-ranges': 'bytes',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'content-range, content-length, accept-ranges',
    };
    const range = parseRange(request.headers.range, info.size);
    if (range === 'unsatisfiable') {
      response.writeHead(416, { ...headers, 'content-range': `bytes */${info.size}` });
      response.end();
      log(416, 0);
      return;
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : info.size - 1;
    const length = Math.max(0, end - start + 1);
    const status = range ? 206 : 200;
    response.writeHead(status, {
      ...headers,
      'content-length': String(length),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${info.size}` } : {}),
    });
    if (request.method === 'HEAD' || length === 0) {
      response.end();
      log(status, 0);
      return;
    }
    createReadStream(file, { start, end })
      .on('error', () => response.destroy())
      .on('end', () => log(status, length))
      .pipe(response);
  });
  return new Promise((resolveStart, rejectStart) => {
    server.once('error', rejectStart);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolveStart({
        url: `http://127.0.0.1:${port}/`,
        port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8080' }, dir: { type: 'string', default: join(ROOT, 'web-dist') } },
  });
  const mounts = { '/fixtures/': join(ROOT, 'fixtures'), '/bench/data/': join(ROOT, 'bench', 'data') };
  const server = await startServer({ root: values.dir, mounts, port: Number(values.port) });
  console.log(`loki-chunk inspector: ${server.url}`);
  console.log(`try opening by URL: ${server.url}?url=/fixtures/golden/matrix-v4-zstd.chunk`);
  console.log('(127.0.0.1 only; Ctrl+C to stop)');
}
