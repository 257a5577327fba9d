// The peak meter (memory-peak.ts) on the cpu backend: it sees the activations a tidy frees before it returns,
// which tf.memory() afterwards cannot, measures above its mark, and leaves tfjs's own count unchanged.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { peakMeter } from '../../../src/lib/engine/memory-peak';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('peakMeter', () => {
  it('sees a 1 MB intermediate that tf.tidy has freed by the time it returns', () => {
    const meter = peakMeter(tf);
    const before = tf.memory().numBytes;
    const out = tf.tidy(() => tf.sum(tf.add(tf.zeros([512, 512]), 1))); // [512, 512] float32: 1 MiB, twice at once
    expect(tf.memory().numBytes - before).toBe(4); // only the scalar is left
    expect(meter.peak()).toBeGreaterThanOrEqual(2 * 512 * 512 * 4);
    out.dispose();
    meter.stop();
  });

  it('measures above its latest mark, not above what was held before', () => {
    const held = tf.zeros([256, 256]);
    const meter = peakMeter(tf);
    tf.tidy(() => tf.mul(tf.ones([256, 256]), 2));
    const first = meter.peak()!;
    meter.mark();
    expect(meter.peak()).toBe(0);
    tf.tidy(() => tf.ones([64, 64]));
    expect(meter.peak()).toBe(64 * 64 * 4);
    expect(first).toBeGreaterThanOrEqual(2 * 256 * 256 * 4);
    held.dispose();
    meter.stop();
  });

  it('keeps tfjs counting the same: numBytes and numTensors after a stopped meter are what they were', () => {
    const start = tf.memory();
    const meter = peakMeter(tf);
    const t = tf.tidy(() => tf.square(tf.randomNormal([10, 10])));
    meter.stop();
    t.dispose();
    expect(tf.memory().numBytes).toBe(start.numBytes);
    expect(tf.memory().numTensors).toBe(start.numTensors);
  });

  it('reads null when the engine keeps no numBytes field', () => {
    const meter = peakMeter({ engine: () => ({}) as ReturnType<typeof tf.engine> });
    meter.mark();
    expect(meter.peak()).toBeNull();
  });
});
