import { describe, expect, it } from 'vitest';
import { applyOverrides, closestKey, ConfigError, editDistance, leafKeys } from '../../train/overrides';

const cfg = { lr: 3e-4, steps: 100, prediction: 'v', ema: true, model: { channelMults: [1, 2, 2], groups: 8 } };
const opts = { integers: ['steps', 'model.channelMults', 'model.groups'] };

describe('overrides', () => {
  it('edit distance counts single-character edits', () => {
    expect(editDistance('lr', 'lr')).toBe(0);
    expect(editDistance('stpes', 'steps')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('lists nested leaves with dotted paths', () => {
    expect(leafKeys(cfg)).toEqual(['lr', 'steps', 'prediction', 'ema', 'model.channelMults', 'model.groups']);
  });

  it('parses each value to the type the config already has', () => {
    const out = applyOverrides(cfg, { lr: '1e-3', steps: '7', prediction: 'eps', ema: 'false', 'model.channelMults': '1,2', 'model.groups': '4' }, opts);
    expect(out).toEqual({ lr: 1e-3, steps: 7, prediction: 'eps', ema: false, model: { channelMults: [1, 2], groups: 4 } });
    expect(cfg.lr).toBe(3e-4); // the input is not mutated
  });

  it('rejects an unknown key, naming it and the closest valid key', () => {
    expect(() => applyOverrides(cfg, { stpes: '5' }, opts)).toThrow(/unknown config key "stpes" \(did you mean "steps"\?\)/);
    expect(() => applyOverrides(cfg, { 'model.group': '5' }, opts)).toThrow(/did you mean "model.groups"/);
    expect(closestKey('LR', ['lr', 'steps'])).toBe('lr');
  });

  it('rejects mistyped values, naming the key', () => {
    expect(() => applyOverrides(cfg, { lr: 'fast' }, opts)).toThrow(ConfigError);
    expect(() => applyOverrides(cfg, { lr: 'fast' }, opts)).toThrow(/--lr: "fast" is not a finite number/);
    expect(() => applyOverrides(cfg, { steps: '2.5' }, opts)).toThrow(/--steps: "2.5" must be a whole number/);
    expect(() => applyOverrides(cfg, { ema: 'maybe' }, opts)).toThrow(/--ema: "maybe" is not a boolean/);
    expect(() => applyOverrides(cfg, { 'model.channelMults': '1,x' }, opts)).toThrow(/model.channelMults/);
  });

  it('limits changes to the allowed keys when asked (resume)', () => {
    expect(() => applyOverrides(cfg, { lr: '1' }, { ...opts, allowed: ['steps'] })).toThrow(/"lr" cannot change on --resume/);
    expect(applyOverrides(cfg, { steps: '5' }, { ...opts, allowed: ['steps'] }).steps).toBe(5);
  });
});
