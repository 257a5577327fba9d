// The keys of presentation mode, as one table: the handler reads it to act on a key press and the
// "?" list prints it, so the list can never promise a key the handler ignores (or the reverse).
// Pure: the component turns a KeyboardEvent into a KeyPress and does what the action says.

export type PresentAction = 'step-back' | 'step-forward' | 'run' | 'next' | 'previous' | 'contrast' | 'keys' | 'leave';

/**
 * What has the focus when a key is pressed, as far as keys are concerned: a text field takes every
 * printable key, a slider or radio group takes the arrows, a button takes Space (it presses it).
 */
export type FocusKind = 'text' | 'arrows' | 'button' | 'other';

export interface KeyPress {
  key: string;
  /** Ctrl, Cmd or Alt held: a browser or system shortcut, never ours. */
  modified: boolean;
  focus: FocusKind;
  /** A widget already acted on this key (e.g. lesson 1's zoom window moved by the arrows). */
  handled: boolean;
}

/** The keys of each action, in the order the "?" list shows them; the first is the one it names. */
export const PRESENT_KEYS: readonly { action: PresentAction; keys: readonly string[] }[] = [
  { action: 'step-back', keys: ['ArrowLeft'] },
  { action: 'step-forward', keys: ['ArrowRight'] },
  { action: 'run', keys: [' '] },
  // PageUp / PageDown are what a presentation clicker sends.
  { action: 'previous', keys: ['PageUp', 'p', 'P'] },
  { action: 'next', keys: ['PageDown', 'n', 'N'] },
  { action: 'contrast', keys: ['c', 'C'] },
  { action: 'keys', keys: ['?'] },
  { action: 'leave', keys: ['Escape'] },
];

const ACTION_OF = new Map(PRESENT_KEYS.flatMap(({ action, keys }) => keys.map((key) => [key, action] as const)));

/** The action a key press asks for, or null when it belongs to the browser, a control or a widget. */
export function presentAction(press: KeyPress): PresentAction | null {
  if (press.modified || press.handled) return null;
  const action = ACTION_OF.get(press.key);
  if (action === undefined) return null;
  // Escape always leaves, even from a text field: it is the one key a lost presenter reaches for.
  if (action === 'leave') return action;
  if (press.focus === 'text') return null;
  if (press.focus === 'arrows' && (action === 'step-back' || action === 'step-forward')) return null;
  if (press.focus === 'button' && action === 'run') return null;
  return action;
}

/** The FocusKind of an element (the event's target), from its tag, type and role alone. */
export function focusKind(element: { tagName: string; type?: string; isContentEditable?: boolean; role?: string | null } | null): FocusKind {
  if (element === null) return 'other';
  const tag = element.tagName.toLowerCase();
  if (element.isContentEditable || tag === 'textarea' || tag === 'select') return 'text';
  if (tag === 'input') {
    const type = (element.type ?? 'text').toLowerCase();
    if (type === 'range' || type === 'radio') return 'arrows';
    if (type === 'checkbox' || type === 'button' || type === 'submit' || type === 'reset' || type === 'file') return 'button';
    return 'text';
  }
  if (element.role === 'slider' || element.role === 'radio' || element.role === 'tab') return 'arrows';
  if (tag === 'button' || tag === 'summary' || tag === 'a' || element.role === 'button') return 'button';
  return 'other';
}

/**
 * The widget `by` places after `current` in `ids`, or null past either end (no wrapping: at the last
 * widget "next" says there is none rather than jumping back to the first). Absent `current` → the first.
 */
export function neighbour(ids: readonly string[], current: string | null, by: 1 | -1): string | null {
  const at = current === null ? -1 : ids.indexOf(current);
  if (at === -1) return ids[0] ?? null;
  return ids[at + by] ?? null;
}
