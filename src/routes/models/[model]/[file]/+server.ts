// Serves pretrained/<model>/{manifest.json, weights.bin} at /models/<model>/<file>. Prerendered, so
// the static build carries every shipped model as plain files (offline, no CDN) and `npm run dev`
// serves the same paths from pretrained/ directly. Only train/ writes pretrained/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { error } from '@sveltejs/kit';
import type { EntryGenerator, RequestHandler } from './$types';

export const prerender = true;
// A file, not a folder: /models/base-64/manifest.json, never …/manifest.json/.
export const trailingSlash = 'never';

const ROOT = 'pretrained';
const FILES: Record<string, string> = { 'manifest.json': 'application/json', 'weights.bin': 'application/octet-stream' };
const MODEL_NAME = /^[a-z0-9][a-z0-9-]*$/;

export const entries: EntryGenerator = () =>
  readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && MODEL_NAME.test(entry.name))
    .flatMap((entry) => Object.keys(FILES).filter((file) => existsSync(join(ROOT, entry.name, file))).map((file) => ({ model: entry.name, file })));

export const GET: RequestHandler = ({ params }) => {
  const type = FILES[params.file];
  // Only the two known file names of a plainly named model: nothing else under pretrained/ leaks out.
  if (!type || !MODEL_NAME.test(params.model)) error(404, 'no such model file');
  const path = join(ROOT, params.model, params.file);
  if (!existsSync(path)) error(404, `model ${params.model} is not shipped`);
  return new Response(readFileSync(path), { headers: { 'content-type': type } });
};
