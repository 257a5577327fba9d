// The static server the browser tests and the benchmark stand on: isolation headers on every answer,
// the right MIME types (wasm included), folders → index.html, unknown paths → 404.html with 404, and the
// build's precompressed twins (svelte.config.js precompress) to a client that accepts them.
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, inject, test } from 'vitest';
import { BUILD_DIR } from './static-server';

const base = inject('baseUrl');

function findFile(dir: string, suffix: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(path, suffix);
      if (found) return found;
    } else if (entry.name.endsWith(suffix)) return path;
  }
  return undefined;
}

const urlOf = (file: string) => base + file.slice(BUILD_DIR.length).split('\\').join('/');

/** A raw GET with exactly these request headers (fetch would add its own Accept-Encoding and decode). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((done, fail) => {
    get(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => done({ headers: res.headers, body: Buffer.concat(parts) }));
    }).on('error', fail);
  });
}

describe('static server over build/', () => {
  test('every answer, 404s included, carries COOP same-origin and COEP require-corp', async () => {
    for (const path of ['/', '/no/such/page/']) {
      const response = await fetch(base + path);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
  });

  test('a folder serves its index.html as text/html; a folder without its slash redirects to it', async () => {
    const index = await fetch(base + '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    const bare = await fetch(base + '/en/adding-noise', { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/en/adding-noise/');
  });

  test('JavaScript is text/javascript and wasm is application/wasm', async () => {
    const js = findFile(join(BUILD_DIR, '_app'), '.js');
    expect(js).toBeDefined();
    expect((await fetch(urlOf(js!))).headers.get('content-type')).toMatch(/^text\/javascript/);
    const wasm = findFile(join(BUILD_DIR, '_app'), '.wasm');
    if (wasm) expect((await fetch(urlOf(wasm))).headers.get('content-type')).toBe('application/wasm');
  });

  test('an unknown path answers 404 with the site 404.html, and ../ cannot leave build/', async () => {
    const missing = await fetch(base + '/no/such/file.js');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/<html/i);
    const escape = await fetch(base + '/..%2f..%2fpackage.json');
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toMatch(/"devDependencies"/);
  });

  test('the wasm binary and a page go brotli or gzip to a client that accepts it, and as they are to one that does not', async () => {
    const wasm = findFile(join(BUILD_DIR, '_app'), '.wasm');
    expect(wasm, 'the build has a wasm binary').toBeDefined();
    const page = join(BUILD_DIR, 'en', 'adding-noise', 'index.html');
    for (const file of [wasm!, page]) {
      const plain = readFileSync(file);
      const br = await rawGet(urlOf(file), { 'Accept-Encoding': 'gzip, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.body.length).toBeLessThan(plain.length * 0.6); // the point of it: far fewer bytes on the line
      expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);
      const gz = await rawGet(urlOf(file), { 'Accept-Encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).equals(plain)).toBe(true);
      const none = await rawGet(urlOf(file), {});
      expect(none.headers['content-encoding']).toBeUndefined();
      expect(none.body.equals(plain)).toBe(true);
    }
  });
});
