// The grading rules of "check yourself": right only when the stored choice is the answer, the score
// counts right answers, and problemsOf catches the slips a question list can make.
import { describe, expect, it } from 'vitest';
import { isRight, localNumber, percent, problemsOf, score, type Question } from '../../../src/lib/components/question';

const both = (text: string) => ({ en: text, vi: `${text} (vi)` });

function question(id: string, overrides: Partial<Question> = {}): Question {
  return {
    id,
    kind: 'choose',
    prompt: both(`prompt ${id}`),
    choices: [
      { id: 'a', text: both('first') },
      { id: 'b', text: both('second') },
    ],
    answer: 'b',
    why: both('because'),
    see: { anchor: 'part', section: both('A part') },
    ...overrides,
  };
}

describe('isRight and score', () => {
  it('a question is right only when the chosen id is its answer', () => {
    const q = question('q');
    expect(isRight(q, 'b')).toBe(true);
    expect(isRight(q, 'a')).toBe(false);
    expect(isRight(q, undefined)).toBe(false);
  });

  it('score counts the right answers and ignores unknown question ids', () => {
    const qs = [question('q1'), question('q2'), question('q3')];
    expect(score(qs, {})).toBe(0);
    expect(score(qs, { q1: 'b', q2: 'a', q3: 'b', other: 'b' })).toBe(2);
  });
});

describe('problemsOf', () => {
  const sound = [question('q1'), question('q2'), question('q3')];

  it('a sound list has no problems', () => {
    expect(problemsOf(sound, ['en', 'vi'])).toEqual([]);
  });

  it('wants three to five questions', () => {
    expect(problemsOf(sound.slice(0, 2), ['en'])).toEqual(['2 questions (want 3 to 5)']);
    const six = Array.from({ length: 6 }, (_, i) => question(`q${i}`));
    expect(problemsOf(six, ['en'])).toEqual(['6 questions (want 3 to 5)']);
  });

  it('finds a repeated id, an answer that is no choice, an empty translation and twin choices', () => {
    const list = [
      question('q1'),
      question('q1'),
      question('q2', { answer: 'z' }),
      question('q3', { why: { en: 'because', vi: ' ' } }),
      question('q4', { choices: [{ id: 'a', text: both('same') }, { id: 'b', text: { en: 'same', vi: 'khác' } }] }),
    ];
    expect(problemsOf(list, ['en', 'vi'])).toEqual([
      'question id "q1" repeats',
      'q2: answer "z" is not a choice',
      'q3: an empty vi text',
      'q4: two en choices read the same',
    ]);
  });

  it('a prediction must say what to run', () => {
    expect(problemsOf([question('q1', { kind: 'predict' }), question('q2'), question('q3')], ['en'])).toEqual(['q1: a prediction with nothing to run']);
  });
});

describe('numbers in the reader’s language', () => {
  it('Vietnamese writes a decimal comma, English a point; percentages are whole', () => {
    expect(localNumber(0.989, 'en')).toBe('0.989');
    expect(localNumber(0.989, 'vi')).toBe('0,989');
    expect(localNumber(-5.5452, 'vi')).toBe('−5,55');
    expect(localNumber(96, 'vi')).toBe('96');
    expect(percent(0.989)).toBe('99%');
    expect(percent(0.0251)).toBe('3%');
  });
});
