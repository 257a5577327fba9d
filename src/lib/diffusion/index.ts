// The diffusion core: float64 schedules, the forward process, DDPM/DDIM step functions, the sample loop
// and the training loss. Imports only src/lib/math and @tensorflow/tfjs-core.
export * from './schedule';
export * from './forward';
export * from './prediction';
export * from './ddpm';
export * from './ddim';
export * from './sample';
export * from './losses';
