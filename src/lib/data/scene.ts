// The procedural world's scene description: a plain, JSON-serialisable object that fixes one image at
// every resolution. Coordinates are unit scene coordinates, x to the right and y DOWN, in [0, 1]².

/** The scene families. The UI translates these ids; the order is stable (tests and callers index it). */
export const SCENE_KINDS = ['meadow', 'coast', 'city', 'dunes', 'night', 'mosaic', 'reef'] as const;
export type SceneKind = (typeof SCENE_KINDS)[number];

/** Linear RGB-ish display colour, each channel in [0, 1] (mapped to [-1, 1] only at the very end). */
export type Rgb = [number, number, number];

/** A region of the plane, given by a signed distance (negative inside). Angles in radians. */
export type Geometry =
  | { type: 'circle'; cx: number; cy: number; r: number }
  | { type: 'ellipse'; cx: number; cy: number; rx: number; ry: number; angle: number }
  | { type: 'box'; cx: number; cy: number; hw: number; hh: number; angle: number; round: number }
  | { type: 'polygon'; cx: number; cy: number; r: number; sides: number; angle: number }
  | { type: 'star'; cx: number; cy: number; r: number; inner: number; points: number; angle: number }
  /** A wobbly disc: radius r·(1 + Σ amp·cos(k·θ + phase)) over `harmonics` [k, amp, phase]. */
  | { type: 'blob'; cx: number; cy: number; r: number; harmonics: [number, number, number][] }
  /**
   * Everything below the curve y = base + Σ amp·sin(2π·freq·x + phase) (`smooth`), or below peaks
   * y = base − Σ amp·(1 − |sin(π·freq·x + phase)|) (`ridge`, sharp summits for mountains and roofs).
   */
  | { type: 'terrain'; base: number; waves: [number, number, number][]; ridge: boolean };

/** Band-limited fill patterns (pattern.ts); each mixes `color` into the layer by up to `amount`. */
export const PATTERN_KINDS = ['none', 'stripes', 'waves', 'checker', 'bricks', 'dots', 'scales', 'rings', 'rays', 'windows'] as const;
export type PatternKind = (typeof PATTERN_KINDS)[number];

export interface Pattern {
  kind: PatternKind;
  /** Cycles per scene unit: ~4–20 reads at 64², ~20–80 needs 256². */
  freq: number;
  angle: number;
  /** Pattern origin (centre of rings and rays; phase of the others). */
  ox: number;
  oy: number;
  /** Fraction of a period that is `color` (stripes, bricks' mortar, dots' radius, windows' lit fraction). */
  duty: number;
  /** Waves: stripe displacement in periods; rays: number of rays. */
  warp: number;
  color: Rgb;
  amount: number;
  /** Per-cell variation seed (bricks, windows). */
  seed: number;
}

/** Amplitudes of the scene's three noise fields as they modulate this layer (relative brightness). */
export interface Texture {
  /** Mid band, ~40–120 cycles/unit: mottling a 256² render shows and a 64² one averages away. */
  mottle: number;
  /** Fine isotropic grain, ~250–500 cycles/unit: only 1024² holds it. */
  grain: number;
  /** Fine directional fibres (grass, brushed sand, water streaks), same band as grain. */
  fibre: number;
}

/** Small Gaussian lights (stars, glints, sand speckle), summed exactly over each pixel's area. */
export interface SplatGroup {
  /** Standard deviation in scene units. */
  sigma: number;
  color: Rgb;
  /** Flat triples x, y, peak amplitude. */
  points: number[];
}

export interface Layer {
  geometry: Geometry;
  /** Fill colour at y = shadeY0, blending to color2 at y = shadeY1. */
  color: Rgb;
  color2: Rgb;
  shadeY0: number;
  shadeY1: number;
  opacity: number;
  pattern: Pattern;
  texture: Texture;
  /** Drawn right after this layer, so later layers cover them. */
  splats: SplatGroup[];
}

export interface Sky {
  top: Rgb;
  middle: Rgb;
  horizon: Rgb;
  /** Where the gradient reaches `horizon` (it stays there below). */
  horizonY: number;
  /** A soft radial glow (sun, moon, lamp) added to the sky. */
  glow: { x: number; y: number; radius: number; strength: number; color: Rgb };
  texture: Texture;
  splats: SplatGroup[];
}

/** Parameters of the scene-wide noise fields (fourier-texture.ts). */
export interface TextureFields {
  seed: number;
  fibreAngle: number;
}

export interface Scene {
  seed: number;
  kind: SceneKind;
  /** The scene's main colours, for legends and tests; layers carry their own copies. */
  palette: Rgb[];
  sky: Sky;
  layers: Layer[];
  fields: TextureFields;
  /** Darkening toward the corners, 0–0.4. */
  vignette: number;
}

/** A crop of the scene in unit coordinates. */
export interface Window {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const FULL_WINDOW: Window = { x: 0, y: 0, w: 1, h: 1 };
