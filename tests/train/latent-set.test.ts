import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../src/lib/math/rng';
import { applyPreview } from '../../src/lib/pipelines/latent-preview';
import { buildLatentSet, CHUNK, readLatentMeta, readSplit } from '../../train/latent/latent-set';
import { fitPreviewMap, solve } from '../../train/latent/preview-fit';
import { tempDir, wasmBackend } from './harness';
import { tinyVaeExport } from './vae-harness';

describe('latent preview map', () => {
  it('recovers an exact linear map and matches the normal equations on a noisy one', () => {
    const rng = makeRng(3);
    const c = 4;
    const cells = 500;
    const W = [[0.3, -0.2, 0.1], [0.05, 0.4, -0.3], [-0.1, 0.2, 0.25], [0.2, 0, -0.15]];
    const b = [0.1, -0.05, 0.2];
    const z = Float32Array.from({ length: cells * c }, () => rng.normal());
    const rgb = new Float32Array(cells * 3);
    for (let i = 0; i < cells; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = b[k] + W.reduce((s, row, j) => s + row[k] * z[i * c + j], 0);
    const exact = fitPreviewMap(z, rgb, c);
    exact.weights.forEach((row, j) => row.forEach((w, k) => expect(w).toBeCloseTo(W[j][k], 5)));
    exact.bias.forEach((v, k) => expect(v).toBeCloseTo(b[k], 5));
    // With noise the fit is the least-squares solution: its residual is orthogonal to every input column.
    const noisy = rgb.map((v) => v + 0.3 * rng.normal());
    const fit = fitPreviewMap(z, noisy, c);
    for (let j = 0; j <= c; j++) {
      for (let k = 0; k < 3; k++) {
        let dot = 0;
        for (let i = 0; i < cells; i++) {
          const pred = fit.bias[k] + fit.weights.reduce((s, row, jj) => s + row[k] * z[i * c + jj], 0);
          dot += (noisy[i * 3 + k] - pred) * (j < c ? z[i * c + j] : 1);
        }
        expect(Math.abs(dot) / cells).toBeLessThan(1e-4);
      }
    }
  });

  it('solve refuses a singular system, and applyPreview clips to the image range', () => {
    expect(() => solve([[1, 2], [2, 4]], [[1], [2]])).toThrow(/linearly dependent/);
    const out = applyPreview(new Float32Array([10, -10]), { weights: [[1, 1, 0.5]], bias: [0, -0.5, 0] });
    expect(Array.from(out)).toEqual([1, 1, 1, -1, -1, -1]);
  });
});

describe('latent data set (tiny autoencoder, wasm)', () => {
  it('encodes training and held-out scenes in resumable chunks with per-channel statistics, only for its own encoder', async () => {
    await wasmBackend();
    const vaeDir = await tinyVaeExport('latent');
    const outDir = tempDir('latents');
    const counts = { train: CHUNK + 3, heldout: 2 };
    await buildLatentSet({ vaeDir, outDir, root: 7, counts, size: 64 });
    const chunks = readdirSync(outDir).filter((f) => f.endsWith('.bin')).sort();
    expect(chunks).toEqual(['heldout-00000.bin', 'train-00000.bin', 'train-00001.bin']);
    const meta = readLatentMeta(outDir);
    expect(meta.side).toBe(4);
    expect(meta.std.every((s) => s > 0)).toBe(true);
    const train = readSplit(outDir, 'train', counts.train, 4, 4);
    const held = readSplit(outDir, 'heldout', 2, 4, 4);
    expect(train.latents).toHaveLength(counts.train * 4 * 4 * 4);
    expect(train.lows).toHaveLength(counts.train * 4 * 4 * 3);
    expect(held.seeds.every((s) => s >= 2 ** 31)).toBe(true); // held-out seeds have the top bit set
    expect(train.seeds.every((s) => s < 2 ** 31)).toBe(true);
    // A build cut short resumes: a deleted chunk is made again, bit for bit.
    const before = train.latents.slice();
    rmSync(join(outDir, 'train-00001.bin'));
    await buildLatentSet({ vaeDir, outDir, root: 7, counts, size: 64 });
    expect(existsSync(join(outDir, 'train-00001.bin'))).toBe(true);
    expect(Array.from(readSplit(outDir, 'train', counts.train, 4, 4).latents)).toEqual(Array.from(before));
    expect(() => readLatentMeta(outDir, 'f'.repeat(64))).toThrow(/rebuild/);
  });
});
