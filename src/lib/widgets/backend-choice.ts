// The backend badge's menu as a small state machine (BackendBadge.svelte): the radio must show what
// runs, not what was once clicked. The engine reports every (re)selection as a ReadyInfo; a reader's
// choice it could not keep (WebGL lost its context and was demoted, or never started) is dropped
// visibly instead of staying ticked while another backend does the work (engine/worker.ts recover).
import type { ReadyInfo } from '$lib/engine/client';
import type { EngineBackend } from '$lib/engine/protocol';

export type BackendChoice = EngineBackend | 'auto';

export interface ChoiceState {
  /** The menu's ticked option: the reader's choice while the engine keeps it, else 'auto'. */
  asked: BackendChoice;
  /** The engine report last seen; a different object is a new report. */
  seen: ReadyInfo | null;
  /** No report has arrived since the reader chose: the engine is switching and measuring. */
  pending: boolean;
  /** A choice the engine had to abandon, for a note; cleared by the reader's next choice. */
  dropped: EngineBackend | null;
}

/** The menu before any report: 'auto' (the first report ticks an override already in force). */
export const INITIAL_CHOICE: ChoiceState = { asked: 'auto', seen: null, pending: false, dropped: null };

/** The reader picks an option: ticked at once, pending until the engine answers. */
export function choose(s: ChoiceState, value: BackendChoice): ChoiceState {
  return { asked: value, seen: s.seen, pending: true, dropped: null };
}

/**
 * Folds in an engine report. `clearOverride` says the client must forget the abandoned choice (else a
 * restarted worker would be handed the backend that just failed).
 */
export function onReport(s: ChoiceState, ready: ReadyInfo | null): { next: ChoiceState; clearOverride: boolean } {
  if (ready === null || ready === s.seen) return { next: s, clearOverride: false };
  // An override already in force when the badge mounted (or set from the console) is ticked as well.
  if (s.asked === 'auto') return { next: { ...s, asked: ready.overridden && !s.pending ? ready.backend : 'auto', seen: ready, pending: false }, clearOverride: false };
  if (ready.overridden && ready.backend === s.asked) return { next: { ...s, seen: ready, pending: false }, clearOverride: false };
  // The old backend's own timing, posted before the engine saw the reader's choice: what runs until
  // the engine answers, not its answer (taken for one, it dropped a WebGL choice made in that window).
  if (s.pending && ready.retimed) return { next: { ...s, seen: ready }, clearOverride: false };
  return { next: { asked: 'auto', seen: ready, pending: false, dropped: s.asked as EngineBackend }, clearOverride: true };
}

export type BadgeLabel = { kind: 'choosing' } | { kind: 'measuring'; backend: EngineBackend } | { kind: 'ready'; backend: EngineBackend; ms: number };

/**
 * What the badge says: nothing measured yet, a backend being (re)measured (after a crash the new
 * worker starts unmeasured; after a choice the old figure is stale), or a backend with its ms per step.
 */
export function badgeLabel(s: ChoiceState, ready: ReadyInfo | null): BadgeLabel {
  if (s.pending) return s.asked === 'auto' || ready === null ? { kind: 'choosing' } : { kind: 'measuring', backend: s.asked };
  if (ready === null) return { kind: 'choosing' };
  if (ready.msPerRun === null) return { kind: 'measuring', backend: ready.backend };
  return { kind: 'ready', backend: ready.backend, ms: ready.msPerRun };
}
