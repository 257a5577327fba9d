// A small static file server over the built site (build/), shared by the e2e tests and the benchmark.
// It sends COOP/COEP so pages are cross-origin isolated, as threaded wasm needs (measurements.md §2.1),
// and, like a host that serves the build's precompressed files (svelte.config.js precompress), a file's
// .br or .gz twin when the request accepts that encoding; `compress: false` serves every file as it is.
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** The precompressed twin of `path` the request accepts (brotli first), or null. */
export function encodedTwin(path: string, acceptEncoding: string | undefined): { file: string; encoding: 'br' | 'gzip' } | null {
  const accepted = new Set((acceptEncoding ?? '').split(',').map((e) => e.split(';')[0].trim().toLowerCase()));
  if (accepted.has('br') && existsSync(`${path}.br`)) return { file: `${path}.br`, encoding: 'br' };
  if (accepted.has('gzip') && existsSync(`${path}.gz`)) return { file: `${path}.gz`, encoding: 'gzip' };
  return null;
}

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

function send(req: Req, res: Res, status: number, path: string, compress: boolean): void {
  const twin = compress ? encodedTwin(path, req.headers['accept-encoding']) : null;
  const file = twin?.file ?? path;
  res.writeHead(status, {
    ...ISOLATION_HEADERS,
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Type': mimeType(path),
    'Content-Length': statSync(file).size,
    'Cache-Control': 'no-store',
    ...(twin ? { 'Content-Encoding': twin.encoding } : {}),
    ...(compress ? { Vary: 'Accept-Encoding' } : {}),
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

function handle(root: string, req: Req, res: Res, compress: boolean): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const found = resolvePath(root, url.pathname);
  if (found.kind === 'file') return send(req, res, 200, found.path, compress);
  if (found.kind === 'redirect') {
    res.writeHead(301, { ...ISOLATION_HEADERS, Location: found.location + url.search }).end();
    return;
  }
  // Unknown path: the site's own 404 page (SvelteKit's fallback), with a real 404 status.
  const notFound = join(root, '404.html');
  if (existsSync(notFound)) return send(req, res, 404, notFound, compress);
  res.writeHead(404, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('404 Not Found');
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234, or https://… for an HTTP/2 server (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Send a file's precompressed .br or .gz twin to a client that accepts it (default true). */
  compress?: boolean;
  /**
   * HTTP/2 over TLS with a throwaway self-signed certificate (the browser must ignore certificate errors),
   * as static hosts serve sites today: one connection carries every request, where HTTP/1.1 lets Chromium
   * open six per host, so a page's forty small scripts queue ahead of the rest (the school-laptop bench).
   */
  http2?: boolean;
}

/** A self-signed certificate for 127.0.0.1, made with Debian's openssl for one server's life. */
function throwawayCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'noisebook-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Serves root (default build/) on 127.0.0.1 at a random free port. */
export async function serveStatic(root: string = BUILD_DIR, o: ServeOptions = {}): Promise<StaticServer> {
  const absRoot = resolve(root);
  const compress = o.compress ?? true;
  const listener = (req: Req, res: Res) => handle(absRoot, req, res, compress);
  const sessions = new Set<Http2Session>();
  const server = o.http2 ? createSecureServer({ ...throwawayCertificate(), allowHTTP1: true }, listener) : createServer(listener);
  if (o.http2) server.on('session', (s: Http2Session) => void (sessions.add(s), s.on('close', () => sessions.delete(s))));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${o.http2 ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        if ('closeAllConnections' in server) (server as Server).closeAllConnections();
        for (const s of sessions) s.destroy();
        server.close(() => done());
      }),
  };
}
