// Presentation mode's state: the lesson's presentable widgets in page order, the one that fills the
// screen, the high-contrast option and the open key list. Mirrored into the URL (?present=<id>, and
// &contrast=high) beside the widget's own parameters already there, so a bookmark opens the exact demo.
import { untrack } from 'svelte';
import { replaceState } from '$app/navigation';
import { neighbour } from './presentation-keys';

/** What a widget lets the keys do; a widget without one of them gets "nothing to …" in the key list. */
export interface PresentHandlers {
  /** One step back (−1) or forward (+1), in the widget's own sense of a step. */
  step?: (by: 1 | -1) => void;
  /** Starts the widget's run, or pauses it if it is running. */
  run?: () => void;
  /** Stops whatever `run` started; called when the widget leaves the page. */
  dispose?: () => void;
}

export interface PresentableWidget {
  /** Stable across builds and languages: the URL names the widget by it. */
  id: string;
  element: HTMLElement;
  handlers: PresentHandlers;
}

export const PRESENT_PARAM = 'present';
export const CONTRAST_PARAM = 'contrast';

/** Page order of two widgets (compareDocumentPosition says whether b follows a). */
function pageOrder(a: PresentableWidget, b: PresentableWidget): number {
  return a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

export class Presentation {
  widgets = $state.raw<PresentableWidget[]>([]);
  /** The id asked for, by a button or the URL. It is shown once a widget with that id has registered. */
  requested = $state<string | null>(null);
  highContrast = $state(false);
  keysOpen = $state(false);
  readonly current = $derived(this.widgets.find((w) => w.id === this.requested) ?? null);
  readonly index = $derived(this.current === null ? -1 : this.widgets.indexOf(this.current));

  /**
   * Adds a widget (kept in page order); returns the function that removes it again. Untracked: it is
   * called from the widget's attachment (an effect), which must not rerun whenever the list changes.
   */
  register(widget: PresentableWidget): () => void {
    untrack(() => (this.widgets = [...this.widgets.filter((w) => w.element !== widget.element), widget].sort(pageOrder)));
    return () => {
      untrack(() => (this.widgets = this.widgets.filter((w) => w !== widget)));
      widget.handlers.dispose?.();
    };
  }

  open(id: string): void {
    this.requested = id;
    this.keysOpen = false;
    this.#writeUrl();
  }

  close(): void {
    this.requested = null;
    this.keysOpen = false;
    this.#writeUrl();
  }

  /** The next (+1) or previous (−1) widget's id, or null at either end of the lesson. */
  neighbour(by: 1 | -1): string | null {
    return neighbour(
      this.widgets.map((w) => w.id),
      this.requested,
      by,
    );
  }

  move(by: 1 | -1): void {
    const id = this.neighbour(by);
    if (id !== null) this.open(id);
  }

  toggleContrast(): void {
    this.highContrast = !this.highContrast;
    this.#writeUrl();
  }

  /** Takes the mode from a query string: the page was opened from a bookmark or a shared link. */
  readFrom(search: string): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const params = new URLSearchParams(search);
    const id = params.get(PRESENT_PARAM)?.trim();
    this.requested = id ? id : null;
    this.highContrast = params.get(CONTRAST_PARAM) === 'high';
  }

  /** Forgets the mode without touching the URL: the page itself is going away. */
  reset(): void {
    this.requested = null;
    this.keysOpen = false;
  }

  #writeUrl(): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a value handed to the router, never rendered
    const url = new URL(location.href);
    if (this.requested === null) url.searchParams.delete(PRESENT_PARAM);
    else url.searchParams.set(PRESENT_PARAM, this.requested);
    // Contrast is a setting of the mode: a plain lesson link does not carry it.
    if (this.highContrast && this.requested !== null) url.searchParams.set(CONTRAST_PARAM, 'high');
    else url.searchParams.delete(CONTRAST_PARAM);
    // The URL is this page's own with new query values: nothing for resolve() to add.
    // eslint-disable-next-line svelte/no-navigation-without-resolve
    replaceState(url, {});
  }
}

/** The page's one presentation state: widgets register with it, the lesson page shows it. */
export const presentation = new Presentation();
