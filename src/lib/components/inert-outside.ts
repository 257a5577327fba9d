// Makes everything on the page inert except the given elements (and what they contain): while one
// widget fills the screen, the lesson behind it must not take the focus or be read out by a screen
// reader. The widget stays where it is in the page, so the lesson's state and layout are untouched.

/** Marks every element that neither holds nor is inside one of `keep` as inert; returns the undo. */
export function inertOutside(keep: readonly Element[]): () => void {
  const holders = new Set<Element>();
  for (const element of keep) {
    for (let node: Element | null = element; node !== null; node = node.parentElement) holders.add(node);
  }
  const marked: HTMLElement[] = [];
  for (const holder of holders) {
    for (const sibling of holder.parentElement?.children ?? []) {
      // Elements already inert stay as their owner set them; only ours are undone.
      if (holders.has(sibling) || !(sibling instanceof HTMLElement) || sibling.inert) continue;
      sibling.inert = true;
      marked.push(sibling);
    }
  }
  return () => {
    for (const element of marked) element.inert = false;
  };
}

/** Opens every closed <details> around `element` (a widget in a folded aside); returns the undo. */
export function openAround(element: Element): () => void {
  const opened: HTMLDetailsElement[] = [];
  for (let node = element.parentElement; node !== null; node = node.parentElement) {
    if (node instanceof HTMLDetailsElement && !node.open) {
      node.open = true;
      opened.push(node);
    }
  }
  return () => {
    for (const details of opened) details.open = false;
  };
}
