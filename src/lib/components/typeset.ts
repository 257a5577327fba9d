// Where KaTeX runs for <Tex>: always while prerendering (the HTML ships typeset), in the browser only
// on demand, for a formula that arrived without server markup (client-side navigation) or changed.
// Live numbers go into "slots" (KaTeX's \htmlData), which the browser rewrites without KaTeX.
import type KatexModule from 'katex';
import type { KatexOptions } from 'katex';

type Katex = typeof KatexModule;

// Top-level await on the server only: Vite replaces import.meta.env.SSR by false in the browser
// build, the branch goes away, and KaTeX is not in the page's JavaScript (measurements.md §2.5 budget).
const serverKatex: Katex | undefined = import.meta.env.SSR ? (await import('katex')).default : undefined;

let browserKatex: Promise<Katex> | undefined;

/** KaTeX in the browser, downloaded the first time a formula must be typeset there. */
export function loadKatex(): Promise<Katex> {
  browserKatex ??= import('katex').then((module) => module.default);
  return browserKatex;
}

/**
 * KaTeX options for <Tex>. \htmlData (the slot marker) needs trust, and strict mode would warn that it
 * is not LaTeX; every other command keeps the defaults. A formula with slots is typeset without its
 * MathML: the browser changes only the visible numbers, so MathML would read out stale ones (<Tex>
 * gives screen readers a text label instead).
 */
export function katexOptions(display: boolean, slotted: boolean): KatexOptions {
  return {
    displayMode: display,
    throwOnError: false,
    output: slotted ? 'html' : 'htmlAndMathml',
    trust: (context) => context.command === '\\htmlData',
    strict: (code: string) => (code === 'htmlExtension' ? 'ignore' : 'warn'),
  };
}

/** Typesets on the server (prerendering); in the browser this is never called. */
export function typesetOnServer(math: string, display: boolean, slotted: boolean): string {
  if (serverKatex === undefined) throw new Error('typesetOnServer runs only during server rendering');
  return serverKatex.renderToString(math, katexOptions(display, slotted));
}

/** Attribute KaTeX gives a slot's element: \htmlData{nb-slot=t}{…} becomes data-nb-slot="t". */
export const SLOT_ATTRIBUTE = 'data-nb-slot';

/** An empty slot named `name` to write into a formula, e.g. String.raw`x_{${texSlot('t')}}`. */
export function texSlot(name: string): string {
  return String.raw`\htmlData{nb-slot=${name}}{}`;
}

const EMPTY_SLOT = /\\htmlData\{nb-slot=([\w-]+)\}\{\}/g;

/** `math` with each empty slot holding its value (TeX) from `values`; a slot with no value stays empty. */
export function fillSlots(math: string, values: Readonly<Record<string, string>>): string {
  return math.replace(EMPTY_SLOT, (slot, name: string) =>
    name in values ? String.raw`\htmlData{nb-slot=${name}}{${values[name]}}` : slot,
  );
}
