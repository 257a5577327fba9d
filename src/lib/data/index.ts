// The procedural world's public API: sample a scene from (seed, kind), render it at any size or
// window as [size, size, 3] floats in [-1, 1], and measure images across resolutions.
export { SCENE_KINDS, PATTERN_KINDS, FULL_WINDOW } from './scene';
export type { Scene, SceneKind, Rgb, Geometry, Layer, Pattern, PatternKind, Texture, SplatGroup, Sky, Window } from './scene';
export { sampleScene, kindOfSeed } from './sample-scene';
export { renderScene } from './render';
export { downsampleArea, upsampleNearest, mse, psnr, detailEnergy } from './measure';
export { bicubicUpsample, keysKernel } from './bicubic';
