// Shared by the engine benchmark sections: lesson 2's page, its run-state element and the engine the
// page exposes for tests (globalThis.__noisebookEngine, src/lib/state/engine.svelte.ts).
import type { Page } from 'playwright-core';
import type { EngineClient } from '../../src/lib/engine/client';

/** The engine the page exposes for tests and benchmarks (src/lib/state/engine.svelte.ts). */
export type Probe = { __noisebookEngine: EngineClient };

export const LESSON2 = '/en/removing-noise/';
export const RUN_STATE = '[data-testid="reverse-run-state"]';
/** The backend badge and its menu (src/lib/widgets/BackendBadge.svelte). */
export const BADGE = '[data-testid="backend-badge"]';

/** Waits until the page's reverse process has finished a run of `steps` steps (or throws on its error state). */
export async function waitForRunDone(page: Page, steps: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    ({ sel, steps }) => {
      const el = document.querySelector<HTMLElement>(sel);
      if (el?.dataset.state === 'error') throw new Error(`the lesson's run failed: ${el.textContent}`);
      return el?.dataset.state === 'done' && el.dataset.steps === String(steps);
    },
    { sel: RUN_STATE, steps },
    { timeout, polling: 50 },
  );
}

/** Waits for the page's engine client to exist and to have reported its backend. */
export async function waitForEngine(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => {
    const engine = (globalThis as { __noisebookEngine?: { ready: unknown } }).__noisebookEngine;
    return Boolean(engine?.ready);
  }, undefined, { timeout, polling: 50 });
}
