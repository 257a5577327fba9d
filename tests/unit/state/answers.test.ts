// The answer book of "check yourself": persists through a store beside the progress, keeps the latest
// choice, forgets everything on reset, and survives stores that throw or hold garbage.
import { describe, expect, it } from 'vitest';
import { ANSWERS_KEY, Answers, parseAnswers } from '../../../src/lib/state/answers.svelte';
import { PROGRESS_KEY } from '../../../src/lib/state/progress.svelte';
import { memoryStore, throwing } from './stores';

describe('Answers', () => {
  it('a choice is stored under its own key, apart from the reading progress', () => {
    const store = memoryStore({ [PROGRESS_KEY]: '{"adding-noise":"finished"}' });
    const answers = new Answers(store);
    answers.choose('adding-noise', 'pooling', 'area');
    expect(answers.of('adding-noise')).toEqual({ pooling: 'area' });
    expect(JSON.parse(store.data[ANSWERS_KEY])).toEqual({ 'adding-noise': { pooling: 'area' } });
    expect(store.data[PROGRESS_KEY]).toBe('{"adding-noise":"finished"}');
  });

  it('a later choice replaces an earlier one, and other questions and lessons keep theirs', () => {
    const answers = new Answers(memoryStore());
    answers.choose('adding-noise', 'pooling', 'side');
    answers.choose('adding-noise', 'shift', 'down');
    answers.choose('the-autoencoder', 'squeeze', 'ratio');
    answers.choose('adding-noise', 'pooling', 'area');
    expect(answers.of('adding-noise')).toEqual({ pooling: 'area', shift: 'down' });
    expect(answers.of('the-autoencoder')).toEqual({ squeeze: 'ratio' });
    expect(answers.of('removing-noise')).toEqual({});
  });

  it('a new page load reads back what an earlier one stored (a reload keeps the answers)', () => {
    const store = memoryStore();
    new Answers(store).choose('cascaded-diffusion', 'blob', 'most');
    const later = new Answers(store);
    expect(later.of('cascaded-diffusion')).toEqual({});
    later.load();
    expect(later.of('cascaded-diffusion')).toEqual({ blob: 'most' });
  });

  it('reset forgets every answer, in memory and in storage', () => {
    const store = memoryStore();
    const answers = new Answers(store);
    answers.choose('adding-noise', 'pooling', 'area');
    answers.reset();
    expect(answers.book).toEqual({});
    expect(ANSWERS_KEY in store.data).toBe(false);
  });

  it('storage that throws keeps the answers for this visit and never throws itself', () => {
    const answers = new Answers(throwing);
    expect(() => answers.load()).not.toThrow();
    expect(() => answers.choose('adding-noise', 'pooling', 'area')).not.toThrow();
    expect(answers.of('adding-noise')).toEqual({ pooling: 'area' });
    expect(() => answers.reset()).not.toThrow();
  });

  it('works with no storage at all (prerendering)', () => {
    const answers = new Answers(null);
    answers.load();
    answers.choose('adding-noise', 'pooling', 'area');
    expect(answers.of('adding-noise')).toEqual({ pooling: 'area' });
  });
});

describe('parseAnswers', () => {
  it('keeps well-formed entries and drops the rest', () => {
    const raw = JSON.stringify({ a: { q1: 'x', q2: 3, q3: null }, b: 'finished', c: [1], d: { q: 'y' }, e: {} });
    expect(parseAnswers(raw)).toEqual({ a: { q1: 'x' }, d: { q: 'y' } });
  });

  it('reads garbage, arrays and nothing as no answers', () => {
    expect(parseAnswers(null)).toEqual({});
    expect(parseAnswers('{not json')).toEqual({});
    expect(parseAnswers('[1,2]')).toEqual({});
    expect(parseAnswers('"text"')).toEqual({});
  });
});
