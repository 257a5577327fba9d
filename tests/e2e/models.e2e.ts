// The built site carries every shipped model: /models/<model>/{manifest.json,weights.bin} are the
// bytes of pretrained/<model>/, and the weights match the manifest's SHA-256, so the engine can load
// them offline from any static server.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useBrowser } from './browser';

const MODELS = readdirSync('pretrained', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

describe('shipped models in the built site', () => {
  const { baseUrl } = useBrowser();

  test('there is at least one shipped model to serve', () => {
    expect(MODELS.length).toBeGreaterThan(0);
  });

  test.each(MODELS)('/models/%s/ serves the manifest and weights byte for byte, checksum intact', async (model) => {
    const manifestResponse = await fetch(`${baseUrl}/models/${model}/manifest.json`);
    expect(manifestResponse.status).toBe(200);
    const manifestText = await manifestResponse.text();
    expect(manifestText).toBe(readFileSync(join('pretrained', model, 'manifest.json'), 'utf8'));
    const manifest = JSON.parse(manifestText) as { weightsSha256: string };
    const weightsResponse = await fetch(`${baseUrl}/models/${model}/weights.bin`);
    expect(weightsResponse.status).toBe(200);
    const bytes = Buffer.from(await weightsResponse.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.weightsSha256);
  });

  test('an unshipped model answers 404', async () => {
    expect((await fetch(`${baseUrl}/models/no-such-model/manifest.json`)).status).toBe(404);
  });
});
