/**
 * Per-particle standard normal streams for the SDE kernels. Stream i produces exactly the sequence
 * of `createRng(seed, firstStream + i).normal()`: the same xoshiro128** state seeding and the same
 * ziggurat sampler ({@link normalAt}), which V8 inlines into the particle loop (no calls on the
 * ~99.3% fast path). Not exported from the package; the equality with `createRng` is tested.
 * @packageDocumentation
 */
import { seedStateInto } from "../rng.js";
import { normalAt } from "./ziggurat.js";

/** `count` normal streams, stream i = createRng(seed, firstStream + i). */
export class NormalStreams {
  private readonly st: Uint32Array;

  constructor(seed: number, count: number, firstStream: number) {
    this.st = new Uint32Array(4 * count);
    for (let i = 0; i < count; i++) seedStateInto(seed, firstStream + i, this.st, 4 * i);
  }

  /** Next standard normal of stream i. */
  normal(i: number): number {
    return normalAt(this.st, 4 * i);
  }
}
