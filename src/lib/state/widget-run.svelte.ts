// When a lesson widget runs its job, and the sentence it shows about that run (lessons 3 to 6). A widget
// runs once it is ready (its page state connected on mount, or scrolled into view when it sits below the
// fold and should not compete with the widgets above it for the device) and again whenever its settings
// key changes; the lesson's state drops the run in flight (latest wins), so the widget never waits on one.
import { onMount, untrack } from 'svelte';

/** Where one run stands, as a widget's `data-state` shows it to the reader and to the browser tests. */
export type RunState = 'idle' | 'running' | 'done' | 'error';

/** The words for each state of a run; `done` is the result's line, null while there is no result to state. */
export interface RunLines {
  idle: string;
  running: string;
  /** What a failed run says ('' where the widget's notice already says why, e.g. a model not on the site). */
  error: string;
  /** For a run that loads its models before it steps (lesson 3's cascade); `running` where absent. */
  loading?: string;
  done?: string | null;
}

/**
 * The status line under a widget's controls. A run in flight or a failure is said first: a result
 * from earlier settings stays on screen while the next run goes, and its line would misdescribe it.
 */
export function runLine(state: RunState | 'loading', lines: RunLines): string {
  if (state === 'error') return lines.error;
  if (state === 'loading') return lines.loading ?? lines.running;
  if (state === 'running') return lines.running;
  return lines.done ?? lines.idle;
}

/**
 * One widget's job and its trigger: `run` is called once `start()` has made the widget ready, then
 * each time `key` changes. Build it while the component initialises (it owns an `$effect`).
 */
export class WidgetRun {
  #ready = $state(false);
  readonly #run: () => unknown;

  constructor(key: () => unknown, run: () => unknown) {
    this.#run = run;
    $effect(() => {
      key();
      this.rerun();
    });
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** The widget may run from now on (mounted, or first seen); the effect runs it at once. */
  start(): void {
    this.#ready = true;
  }

  /** Runs the job if the widget is ready; true when it ran. What the job reads does not retrigger it. */
  rerun(): boolean {
    if (!this.#ready) return false;
    untrack(() => void this.#run());
    return true;
  }
}

/** What a lesson's page state offers its main widget: it reads the link once, and stops its runs when the page goes. */
export interface Connectable {
  connect(): void;
  dispose(): void;
}

/**
 * A lesson's main widget: connects the lesson's state (`lesson()`) on mount (reads the link, fetches manifests),
 * runs its job then and on every key change, and disposes the state when the widget goes.
 */
export function runOnMount(lesson: () => Connectable, key: () => unknown, run: () => unknown): WidgetRun {
  const widget = new WidgetRun(key, run);
  onMount(() => {
    // Read when it is needed, as a prop is: the state connected is the one the widget holds at mount.
    const state = lesson();
    state.connect();
    widget.start();
    return () => state.dispose();
  });
  return widget;
}
