// /models.json: the shipped models and their sizes, read from pretrained/ when the site is built, so
// "save the whole course" knows every model and how many bytes it downloads without a second list.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const prerender = true;
export const trailingSlash = 'never';

const ROOT = 'pretrained';
// The same rule as /models/<model>/<file>: only plainly named folders with both files are served.
const MODEL_NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface ShippedModel {
  name: string;
  /** manifest.json plus weights.bin, in bytes. */
  bytes: number;
}

export const GET: RequestHandler = () => {
  const models: ShippedModel[] = readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && MODEL_NAME.test(entry.name))
    .map((entry) => join(ROOT, entry.name))
    .filter((dir) => existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'weights.bin')))
    .map((dir) => ({ name: dir.slice(ROOT.length + 1), bytes: statSync(join(dir, 'manifest.json')).size + statSync(join(dir, 'weights.bin')).size }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return json({ models });
};
