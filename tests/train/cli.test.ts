import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../../train/checkpoint';
import { parseArgs } from '../../train/cli';
import { tempDir, tinyConfig } from './harness';

/** Runs `npm run train -- …` as a user would (through tsx), returning the exit code and stderr. */
function cli(...args: string[]): { code: number | null; err: string } {
  const r = spawnSync('node_modules/.bin/tsx', ['train/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, err: r.stderr };
}

/** A valid tiny checkpoint at step 3 (weights are placeholders: only the file format matters here). */
function fakeCheckpoint(dir: string): string {
  const tensors = new Map([['param/x', { shape: [4], data: new Float32Array([1, 2, 3, 4]) }]]);
  return saveCheckpoint(dir, { model: 'tiny', step: 3, config: tinyConfig(), lossLog: [], wallSeconds: 1, tensors }, 2);
}

describe('train CLI', () => {
  it('splits the model name, flags and overrides', () => {
    expect(parseArgs(['tiny', '--resume', '--until=5', '--lr=0.1'], ['lr'])).toEqual({ model: 'tiny', flags: { resume: true, until: '5' }, overrides: { lr: '0.1' } });
    expect(() => parseArgs(['tiny', '--until=soon'])).toThrow(/--until: "soon" must be a whole number/);
    expect(() => parseArgs(['tiny', '--resume', '--fresh'])).toThrow(/contradict/);
    expect(() => parseArgs(['tiny', 'lr=1'])).toThrow(/unexpected argument "lr=1"/);
  });

  it('an unknown key exits non-zero naming the key and the closest valid one', () => {
    const r = cli('tiny', '--stpes=5');
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown config key "stpes" (did you mean "steps"?)');
    const f = cli('tiny', '--resmue');
    expect(f.code).toBe(1);
    expect(f.err).toContain('did you mean "resume"?');
  });

  it('a mistyped value exits non-zero naming the key and the expected type', () => {
    const r = cli('tiny', '--lr=fast');
    expect(r.code).toBe(1);
    expect(r.err).toContain('--lr: "fast" is not a finite number');
  });

  it('a predictor is not exported on its own; exporting a denoiser without its predictor\'s checkpoints says what to train', () => {
    const r = cli('sr-256-predictor', '--export-only');
    expect(r.code).toBe(1);
    expect(r.err).toContain('sr-256-predictor is a predictor: its denoiser\'s export packs it (npm run train -- sr-256 --export-only)');
    const dir = tempDir('sr-export');
    const empty = tempDir('no-predictor');
    const tensors = new Map([['param/x', { shape: [4], data: new Float32Array([1, 2, 3, 4]) }]]);
    saveCheckpoint(dir, { model: 'sr-256', step: 3, config: tinyConfig(), lossLog: [], wallSeconds: 1, tensors }, 2);
    const e = cli('sr-256', '--export-only', `--ckpt-dir=${dir}`, `--predictor-ckpt-dir=${empty}`, `--pretrained-dir=${tempDir('out')}`);
    expect(e.code).toBe(1);
    expect(e.err).toContain(`sr.predictor sr-256-predictor: no checkpoint in ${empty} (train it first: npm run train -- sr-256-predictor`);
  });

  it('--resume without a checkpoint exits non-zero naming the folder', () => {
    const dir = tempDir('empty');
    const r = cli('tiny', '--resume', `--ckpt-dir=${dir}`);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--resume: no checkpoint in ${dir}`);
  });

  it('a corrupt checkpoint stops --resume and --export-only, naming the file, and nothing is overwritten', () => {
    const dir = tempDir('corrupt');
    const path = fakeCheckpoint(dir);
    const bytes = readFileSync(path);
    bytes[bytes.length - 2] ^= 0x55;
    writeFileSync(path, bytes);
    const shipped = join(tempDir('pretrained'), 'tiny');
    mkdirSync(shipped);
    writeFileSync(join(shipped, 'manifest.json'), '{"good": true}');

    const r = cli('tiny', '--resume', `--ckpt-dir=${dir}`);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`checkpoint ${path} is corrupt: sha256 mismatch`);
    const e = cli('tiny', '--export-only', `--ckpt-dir=${dir}`, `--pretrained-dir=${join(shipped, '..')}`);
    expect(e.code).toBe(1);
    expect(e.err).toContain(`checkpoint ${path} is corrupt`);

    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['step-00000003.ckpt']);
    expect(readFileSync(join(shipped, 'manifest.json'), 'utf8')).toBe('{"good": true}');
  });

  it('refuses to start over an existing run without --resume or --fresh', () => {
    const dir = tempDir('existing');
    const path = fakeCheckpoint(dir);
    const r = cli('tiny', `--ckpt-dir=${dir}`);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${dir} already holds checkpoints (latest ${path}); pass --resume`);
    expect(existsSync(path)).toBe(true);
  });
});
