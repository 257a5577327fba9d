// A small static file server over the built site (build/), shared by the e2e tests and the benchmark.
// It sends COOP/COEP so pages are cross-origin isolated, as threaded wasm needs (measurements.md §2.1).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

export const BUILD_DIR = resolve(process.cwd(), 'build');

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
};

/** Throws a clear message when the site has not been built (the tests and bench serve build/). */
export function requireBuild(dir: string = BUILD_DIR): void {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(
      `The browser tests and benchmarks run against the built site, but ${join(dir, 'index.html')} does not exist.\n` +
        `Build it first:  npm run build   (npm test builds before it runs the e2e tests)`,
    );
  }
}

export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

type Resolved = { kind: 'file'; path: string } | { kind: 'redirect'; location: string } | { kind: 'missing' };

/** Maps a URL path to a file under root: folders serve index.html, /a → /a/ when /a is a folder. */
export function resolvePath(root: string, urlPath: string): Resolved {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'missing' };
  }
  if (decoded.includes('\0')) return { kind: 'missing' };
  const full = normalize(join(root, decoded));
  // Refuse anything that escapes root (../ tricks).
  if (full !== root && !full.startsWith(root + sep)) return { kind: 'missing' };
  if (!existsSync(full)) {
    // adapter-static with trailingSlash 'never' writes /a as a.html.
    return existsSync(full + '.html') ? { kind: 'file', path: full + '.html' } : { kind: 'missing' };
  }
  if (statSync(full).isDirectory()) {
    if (!decoded.endsWith('/')) return { kind: 'redirect', location: urlPath + '/' };
    const index = join(full, 'index.html');
    return existsSync(index) ? { kind: 'file', path: index } : { kind: 'missing' };
  }
  return { kind: 'file', path: full };
}

function send(req: IncomingMessage, res: ServerResponse, status: number, path: string): void {
  res.writeHead(status, {
    ...ISOLATION_HEADERS,
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Type': mimeType(path),
    'Content-Length': statSync(path).size,
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(path).pipe(res);
}

function handle(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const found = resolvePath(root, url.pathname);
  if (found.kind === 'file') return send(req, res, 200, found.path);
  if (found.kind === 'redirect') {
    res.writeHead(301, { ...ISOLATION_HEADERS, Location: found.location + url.search }).end();
    return;
  }
  // Unknown path: the site's own 404 page (SvelteKit's fallback), with a real 404 status.
  const notFound = join(root, '404.html');
  if (existsSync(notFound)) return send(req, res, 404, notFound);
  res.writeHead(404, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('404 Not Found');
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/** Serves root (default build/) on 127.0.0.1 at a random free port. */
export async function serveStatic(root: string = BUILD_DIR): Promise<StaticServer> {
  const absRoot = resolve(root);
  const server: Server = createServer((req, res) => handle(absRoot, req, res));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
