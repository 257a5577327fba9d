// The custom-gradient set of the model ops that train/backend.ts installs with setTrainingOps, so
// the U-Net in src/lib/models trains fast on wasm while running the same forward as in the browser.
import { referenceOps, type ModelOps } from '../../src/lib/models/ops';
import { groupNormTrain } from './group-norm';
import { siluTrain } from './silu';
import { down2Train, up2Train } from './resample';

export const trainingOps: ModelOps = {
  // tf.fused.conv2d: its wasm kernel is ours where Winograd applies (register.ts), and tfjs's gradient
  // calls our Conv2DBackpropInput and Conv2DBackpropFilter.
  conv2d: referenceOps.conv2d,
  conv2dUp2: referenceOps.conv2dUp2, // the two ops above, composed
  groupNorm: groupNormTrain,
  silu: siluTrain,
  down2: down2Train,
  up2: up2Train,
};

export { groupNormTrain, siluTrain, down2Train, up2Train };
