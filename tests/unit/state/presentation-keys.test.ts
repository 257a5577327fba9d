import { describe, expect, it } from 'vitest';
import { focusKind, neighbour, presentAction, PRESENT_KEYS, type FocusKind, type KeyPress } from '../../../src/lib/state/presentation-keys';

const press = (key: string, focus: FocusKind = 'other', extra: Partial<KeyPress> = {}): KeyPress => ({ key, focus, modified: false, handled: false, ...extra });

describe('presentAction', () => {
  it('maps the issue\'s keys: arrows step, Space runs, Escape leaves, ? lists the keys', () => {
    expect(presentAction(press('ArrowLeft'))).toBe('step-back');
    expect(presentAction(press('ArrowRight'))).toBe('step-forward');
    expect(presentAction(press(' '))).toBe('run');
    expect(presentAction(press('Escape'))).toBe('leave');
    expect(presentAction(press('?'))).toBe('keys');
  });

  it('moves between widgets with a clicker\'s Page Up / Page Down and with N / P', () => {
    for (const key of ['PageDown', 'n', 'N']) expect(presentAction(press(key))).toBe('next');
    for (const key of ['PageUp', 'p', 'P']) expect(presentAction(press(key))).toBe('previous');
  });

  it('leaves every key to a text field except Escape, so typing a seed is never hijacked', () => {
    for (const key of ['ArrowLeft', 'ArrowRight', ' ', '?', 'n', 'p', 'c', 'PageDown']) expect(presentAction(press(key, 'text'))).toBeNull();
    expect(presentAction(press('Escape', 'text'))).toBe('leave');
  });

  it('leaves the arrows to a focused slider or radio group, and Space to a focused button', () => {
    expect(presentAction(press('ArrowRight', 'arrows'))).toBeNull();
    expect(presentAction(press(' ', 'arrows'))).toBe('run');
    expect(presentAction(press(' ', 'button'))).toBeNull();
    expect(presentAction(press('ArrowRight', 'button'))).toBe('step-forward');
  });

  it('ignores shortcuts with Ctrl, Cmd or Alt, and keys a widget already handled', () => {
    expect(presentAction(press('p', 'other', { modified: true }))).toBeNull();
    expect(presentAction(press('ArrowLeft', 'other', { handled: true }))).toBeNull();
    expect(presentAction(press('x'))).toBeNull();
  });

  it('the key list names every key the handler acts on, each once', () => {
    const keys = PRESENT_KEYS.flatMap((entry) => entry.keys);
    expect(new Set(keys).size).toBe(keys.length);
    for (const { action, keys: list } of PRESENT_KEYS) for (const key of list) expect(presentAction(press(key))).toBe(action);
  });
});

describe('focusKind', () => {
  const el = (tagName: string, rest: { type?: string; role?: string; isContentEditable?: boolean } = {}) => ({ tagName, ...rest });

  it('text fields, selects and editable areas take the keys', () => {
    expect(focusKind(el('INPUT', { type: 'number' }))).toBe('text');
    expect(focusKind(el('INPUT', { type: 'text' }))).toBe('text');
    expect(focusKind(el('TEXTAREA'))).toBe('text');
    expect(focusKind(el('SELECT'))).toBe('text');
    expect(focusKind(el('DIV', { isContentEditable: true }))).toBe('text');
  });

  it('sliders and radios take the arrows; buttons, checkboxes and links take Space', () => {
    expect(focusKind(el('INPUT', { type: 'range' }))).toBe('arrows');
    expect(focusKind(el('INPUT', { type: 'radio' }))).toBe('arrows');
    expect(focusKind(el('DIV', { role: 'slider' }))).toBe('arrows');
    expect(focusKind(el('BUTTON'))).toBe('button');
    expect(focusKind(el('INPUT', { type: 'checkbox' }))).toBe('button');
    expect(focusKind(el('A'))).toBe('button');
    expect(focusKind(el('SECTION'))).toBe('other');
    expect(focusKind(null)).toBe('other');
  });
});

describe('neighbour', () => {
  const ids = ['a', 'b', 'c'];
  it('steps through the widgets in page order', () => {
    expect(neighbour(ids, 'a', 1)).toBe('b');
    expect(neighbour(ids, 'c', -1)).toBe('b');
  });
  it('stops at either end instead of wrapping round', () => {
    expect(neighbour(ids, 'c', 1)).toBeNull();
    expect(neighbour(ids, 'a', -1)).toBeNull();
  });
  it('starts at the first widget when none (or an unknown one) is shown', () => {
    expect(neighbour(ids, null, 1)).toBe('a');
    expect(neighbour(ids, 'zzz', -1)).toBe('a');
    expect(neighbour([], null, 1)).toBeNull();
  });
});
