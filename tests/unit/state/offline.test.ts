// The offline state's registration never throws and says plainly where the course cannot be kept
// offline: the dev server (nothing built to cache) and browsers without service workers.
import { describe, expect, it } from 'vitest';
import { OfflineState } from '../../../src/lib/state/offline.svelte';

describe('OfflineState.register', () => {
  it('registers nothing on the dev server', () => {
    const state = new OfflineState();
    state.register(true, '/service-worker.js');
    expect(state.availability).toBe('dev');
  });

  it('is unsupported, without throwing, where there is no service worker (Node here, like plain http)', () => {
    const state = new OfflineState();
    expect(() => state.register(false, '/service-worker.js')).not.toThrow();
    expect(state.availability).toBe('unsupported');
  });

  it('sums the model sizes for the "how many MB" line once the list is known', () => {
    const state = new OfflineState();
    expect(state.modelBytes).toBeNull();
    state.models = [{ name: 'a', bytes: 3 }, { name: 'b', bytes: 4 }];
    expect(state.modelBytes).toBe(7);
  });
});
