// What the latent evaluation keeps of each full-size (1024²) image it makes or renders: a 1024² image is
// 12 MB of floats and the evaluation sees a hundred or more, so each is reduced on arrival and dropped:
// its two high-frequency band energies (high-frequency.ts, measured at full size), its box reduction to
// the Fréchet side (64², what base-64 is measured at), a display tile for the sample grid (the first few
// of each kind) and one full-size crop (the first of each kind).
import { downsampleArea } from '../../src/lib/data';
import { bandEnergies } from './high-frequency';
import { cropImage } from './sr-grid';

export interface TallyLayout {
  /** Full image side (1024). */
  size: number;
  /** Side of the reduction kept for the Fréchet distance (0: keep none). */
  reduced: number;
  /** Side of the grid tiles, and how many of each kind to keep. */
  tile: number;
  tilesPerKind: number;
  /** Side of the full-size crop kept of the first image of each kind (0: none). */
  crop: number;
}

export class ImageTally {
  readonly fine: number[] = [];
  readonly mid: number[] = [];
  readonly labels: number[] = [];
  readonly reduced: Float32Array[] = [];
  /** Per kind, its display tiles and its crop. */
  readonly tiles = new Map<number, Float32Array[]>();
  readonly crops = new Map<number, Float32Array>();

  constructor(readonly layout: TallyLayout) {
    if (layout.size % layout.tile !== 0 || (layout.reduced > 0 && layout.size % layout.reduced !== 0)) throw new Error(`ImageTally: ${layout.tile} and ${layout.reduced} must divide ${layout.size}`);
  }

  /** Takes one [size, size, 3] image of kind `kind`; keeps only the reductions. */
  add(image: Float32Array, kind: number): void {
    const { size, reduced, tile, tilesPerKind, crop } = this.layout;
    const e = bandEnergies(image, size);
    this.fine.push(e.fine[0]);
    this.mid.push(e.mid[0]);
    this.labels.push(kind);
    if (reduced > 0) this.reduced.push(downsampleArea(image, size, size / reduced));
    const tiles = this.tiles.get(kind) ?? [];
    if (tiles.length < tilesPerKind) tiles.push(downsampleArea(image, size, size / tile));
    this.tiles.set(kind, tiles);
    // The centre: an unchosen window, so the crop shows what a reader sees there, not the busiest detail.
    const at = Math.floor((size - crop) / 2);
    if (crop > 0 && !this.crops.has(kind)) this.crops.set(kind, cropImage(image, size, at, at, crop));
  }

  get count(): number {
    return this.labels.length;
  }

  /** The reductions end to end, [N, reduced, reduced, 3], and their kinds. */
  reducedSet(): { x0: Float32Array; labels: Int32Array } {
    const per = this.layout.reduced * this.layout.reduced * 3;
    const x0 = new Float32Array(this.reduced.length * per);
    this.reduced.forEach((img, i) => x0.set(img, i * per));
    return { x0, labels: Int32Array.from(this.labels) };
  }
}
