import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestCheckpoint, readCheckpoint } from '../../train/checkpoint';
import { tempDir } from './harness';

const lines = (path: string): number => (existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).length : 0);

describe('train CLI on SIGTERM', () => {
  it('checkpoints the step it reached, exits 0, and the loss log matches the checkpoint', async () => {
    const dir = tempDir('signal');
    const log = join(dir, 'loss.jsonl');
    const child = spawn('node_modules/.bin/tsx', ['train/cli.ts', 'tiny', '--steps=5000', '--no-export', `--ckpt-dir=${dir}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 40_000;
    while (lines(log) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(lines(log)).toBeGreaterThanOrEqual(3);
    child.kill('SIGTERM');
    expect(await exited, err).toBe(0);
    expect(err).toContain('SIGTERM: finishing this step and checkpointing');
    const ckpt = latestCheckpoint(dir);
    expect(ckpt).not.toBeNull();
    const state = readCheckpoint(ckpt!);
    expect(state.step).toBeGreaterThanOrEqual(3);
    expect(state.step).toBeLessThan(5000);
    expect(state.lossLog).toHaveLength(state.step);
    expect(lines(log)).toBe(state.step); // the log holds exactly the checkpointed steps
  }, 60_000);
});
