// The attachment that makes a lesson widget presentable: `<section {@attach presentable('id', keys)}>`.
// It registers the widget (with what its keys do) in the page's presentation state and puts the
// "Present" button on it, so every widget gets presentation mode from one line and no code of its own.
import { mount, unmount } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import { presentation, type PresentHandlers } from '$lib/state/presentation.svelte';
import PresentButton from './PresentButton.svelte';

/**
 * @param id stable name of the widget in the URL (?present=<id>): keep it when the widget changes.
 * @param handlers what ←/→ (step) and Space (run or pause) do; leave one out and the key says so.
 */
export function presentable(id: string, handlers: PresentHandlers = {}): Attachment<HTMLElement> {
  return (element) => {
    element.classList.add('nb-presentable');
    const unregister = presentation.register({ id, element, handlers });
    // The widget's aria-label is its title in the page's language (every widget root has one).
    const button = mount(PresentButton, {
      target: element,
      anchor: element.firstChild ?? undefined,
      props: { id, title: element.getAttribute('aria-label') ?? id },
    });
    return () => {
      void unmount(button);
      unregister();
      element.classList.remove('nb-presentable');
    };
  };
}
