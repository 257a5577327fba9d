import { describe, expect, it } from 'vitest';
import { threadsCompute } from '../../../src/lib/engine/browser-backends';

describe('threadsCompute', () => {
  // tfjs-backend-wasm runs min(max(⌊cores / 2⌋, 1), 4) threads: below 4 logical cores that is one thread,
  // and the threaded build would only add its pool of workers to the first wait.
  it('is true only where tfjs would run two threads or more', () => {
    expect([1, 2, 3].map((cores) => threadsCompute(cores))).toEqual([false, false, false]);
    expect([4, 8, 16].map((cores) => threadsCompute(cores))).toEqual([true, true, true]);
  });
});
