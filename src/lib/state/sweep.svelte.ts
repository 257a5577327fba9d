// A run made of steps: calls `advance` on a timer until it says there is nothing left, and pauses
// when toggled again. Presentation mode's Space uses it for widgets whose run is a slider moving
// by itself (lesson 1's t from 0 to T), so they need no timer of their own.

export class Sweep {
  running = $state(false);
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param advance one step; returns false when the sweep has reached its end.
   * @param rewind called when a run starts at the end, so Space replays instead of doing nothing.
   * @param atEnd whether the sweep is at its end now.
   */
  constructor(
    private readonly advance: () => boolean,
    private readonly rewind: () => void,
    private readonly atEnd: () => boolean,
    private readonly everyMs = 80,
  ) {}

  toggle(): void {
    if (this.running) return this.stop();
    if (this.atEnd()) this.rewind();
    this.running = true;
    this.#timer = setInterval(() => {
      if (!this.advance()) this.stop();
    }, this.everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.running = false;
  }
}
