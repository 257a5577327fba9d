// A Svelte action: calls `onSeen` once, the first time the element scrolls into view. Widgets below
// the fold use it to start their model runs only when the reader gets there, so they do not compete
// with the widget the reader is looking at for the engine's single queue.
export function firstSeen(node: Element, onSeen: () => void): { destroy(): void } {
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    onSeen();
  });
  observer.observe(node);
  return { destroy: () => observer.disconnect() };
}
