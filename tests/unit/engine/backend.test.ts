import { describe, expect, it } from 'vitest';
import { loadCpu, startBackendWith, type BackendLoader } from '../../../src/lib/engine/backend';

const fails = (why: string): BackendLoader => async () => {
  throw new Error(why);
};

describe('startBackendWith', () => {
  it('uses the first loader that works and reports no error', async () => {
    const report = await startBackendWith([
      ['wasm', async () => ({ simd: true, threads: 1 })],
      ['cpu', fails('should not be tried')],
    ]);
    expect(report).toMatchObject({ backend: 'wasm', simd: true, threads: 1 });
    expect(report.error).toBeUndefined();
  });

  it('falls back to cpu and says why wasm did not start', async () => {
    const report = await startBackendWith([
      ['wasm', fails('no WebAssembly')],
      ['cpu', async () => ({})],
    ]);
    expect(report.backend).toBe('cpu');
    expect(report.error).toBe('wasm: no WebAssembly');
  });

  it('reports null with every reason when nothing starts, without rejecting', async () => {
    const report = await startBackendWith([
      ['wasm', fails('a')],
      ['cpu', fails('b')],
    ]);
    expect(report.backend).toBeNull();
    expect(report.error).toBe('wasm: a; cpu: b');
  });

  it('measures the time from the call to a working backend', async () => {
    let clock = 100;
    const report = await startBackendWith([['cpu', async () => ((clock += 40), {})]], () => clock);
    expect(report.ms).toBe(40);
  });
});

describe('loadCpu', () => {
  it('really starts tfjs on the cpu backend', async () => {
    await loadCpu();
    const tf = await import('@tensorflow/tfjs-core');
    expect(tf.getBackend()).toBe('cpu');
  });
});
