// Seeded flooding for layout completion: labels grow from stroke pixels over the 4-neighbour grid in
// order of the strongest colour edge crossed so far (a marker watershed, i.e. a minimum spanning forest
// rooted at the strokes), with an optional per-class colour penalty. Pure typed-array code.

/**
 * Bucket resolution: priorities (colour-difference units, 0..~441 plus penalties) are bucketed in whole
 * units; within a bucket, arrival order decides, so plateaus fill evenly outward from their seeds.
 */
const STEPS_PER_UNIT = 1;
const BUCKETS = 2048;

export interface FloodInput {
  width: number;
  height: number;
  /** `channels` values per pixel (RGB 0..255, then any extra features), row-major. Only pixels the flood can reach are read. */
  rgb: Float32Array | Uint8Array;
  /** Values per pixel in `rgb` (default 3); edges are Euclidean distances over all of them. */
  channels?: number;
  /** Seed label per pixel (0 = to be labeled). Seeds keep their label. */
  seeds: Uint8Array;
  /** When given, only pixels with a non-zero entry may be labeled (others are walls unless seeded). */
  active?: Uint8Array;
  /**
   * The seed pixels to grow from. Default: every seed. With `active`, passing only the seeds that
   * touch active pixels keeps the work proportional to the active area.
   */
  frontier?: Int32Array;
  /**
   * Per-pixel colour penalty of a label, in colour-difference units, added to the priority with which
   * that label claims the pixel (it does not accumulate along the path). `null` = no penalty.
   */
  penalty?: ((label: number, pixel: number) => number) | null;
}

export interface FloodResult {
  /** Winning label per pixel (seeds keep theirs; 0 where no seed could reach). */
  label: Uint8Array;
  /** Priority at which the winner claimed the pixel (its barrier plus penalty); 0 on the seeds grown from, else Infinity where unreached. */
  priority: Float32Array;
}

/** A growable queue of (pixel, label, barrier) entries, bucketed by integer priority, FIFO per bucket. */
class BucketQueue {
  private pixel: Int32Array;
  private label: Uint8Array;
  private barrier: Float32Array;
  private next: Int32Array;
  private size = 0;
  private readonly head = new Int32Array(BUCKETS).fill(-1);
  private readonly tail = new Int32Array(BUCKETS).fill(-1);
  private free = -1;
  current = 0;

  constructor(capacity: number) {
    this.pixel = new Int32Array(capacity);
    this.label = new Uint8Array(capacity);
    this.barrier = new Float32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  private grow(): void {
    const cap = this.pixel.length * 2;
    const grow = <T extends Int32Array | Uint8Array | Float32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.pixel = grow(this.pixel, (n) => new Int32Array(n));
    this.label = grow(this.label, (n) => new Uint8Array(n));
    this.barrier = grow(this.barrier, (n) => new Float32Array(n));
    this.next = grow(this.next, (n) => new Int32Array(n));
  }

  push(priority: number, pixel: number, label: number, barrier: number): void {
    let e: number;
    if (this.free >= 0) {
      e = this.free;
      this.free = this.next[e];
    } else {
      if (this.size === this.pixel.length) this.grow();
      e = this.size++;
    }
    this.pixel[e] = pixel;
    this.label[e] = label;
    this.barrier[e] = barrier;
    this.next[e] = -1;
    const b = Math.min(BUCKETS - 1, Math.floor(priority * STEPS_PER_UNIT));
    if (this.tail[b] >= 0) this.next[this.tail[b]] = e;
    else this.head[b] = e;
    this.tail[b] = e;
    if (b < this.current) this.current = b;
  }

  /** Pops the oldest entry of the lowest non-empty bucket into `out`; false when empty. */
  pop(out: { pixel: number; label: number; barrier: number; priority: number }): boolean {
    while (this.current < BUCKETS && this.head[this.current] < 0) this.current++;
    if (this.current >= BUCKETS) return false;
    const e = this.head[this.current];
    this.head[this.current] = this.next[e];
    if (this.head[this.current] < 0) this.tail[this.current] = -1;
    out.pixel = this.pixel[e];
    out.label = this.label[e];
    out.barrier = this.barrier[e];
    out.priority = this.current / STEPS_PER_UNIT;
    this.next[e] = this.free;
    this.free = e;
    return true;
  }
}

/**
 * Floods labels from the seeds. A label claims a pixel with priority max(barrier of its path, colour
 * difference of the last step) plus the label's colour penalty at that pixel; lower priorities are
 * claimed first, ties in arrival order (so flat regions fill evenly outward). Labels compete: a
 * claimed pixel blocks the others, so every label's territory stays connected to its strokes. The
 * result gives each pixel the label whose path to it crosses the weakest edge. Runs anywhere;
 * O(pixels).
 */
export function floodLabels(input: FloodInput): FloodResult {
  const { width: w, height: h, rgb, seeds, active, penalty, frontier } = input;
  const C = input.channels ?? 3;
  const n = w * h;
  const label = new Uint8Array(seeds);
  const priority = new Float32Array(n).fill(Infinity);
  const queue = new BucketQueue(Math.max(1024, frontier ? frontier.length * 4 : n));

  const expand = (i: number, l: number, barrier: number): void => {
    const x = i % w;
    const pi = i * C;
    for (let k = 0; k < 4; k++) {
      let j: number;
      if (k === 0) { if (x + 1 >= w) continue; j = i + 1; }
      else if (k === 1) { if (x === 0) continue; j = i - 1; }
      else if (k === 2) { j = i + w; if (j >= n) continue; }
      else { j = i - w; if (j < 0) continue; }
      if (label[j]) continue;
      if (active && !active[j]) continue;
      const pj = j * C;
      let d2 = 0;
      for (let c = 0; c < C; c++) {
        const d = rgb[pj + c] - rgb[pi + c];
        d2 += d * d;
      }
      const edge = Math.sqrt(d2);
      const bar = edge > barrier ? edge : barrier;
      queue.push(bar + (penalty ? penalty(l, j) : 0), j, l, bar);
    }
  };

  if (frontier) {
    for (let k = 0; k < frontier.length; k++) {
      const i = frontier[k];
      priority[i] = 0;
      expand(i, seeds[i], 0);
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (!seeds[i]) continue;
      priority[i] = 0;
      expand(i, seeds[i], 0);
    }
  }

  const e = { pixel: 0, label: 0, barrier: 0, priority: 0 };
  while (queue.pop(e)) {
    const j = e.pixel;
    if (label[j]) continue;
    label[j] = e.label;
    priority[j] = e.priority;
    expand(j, e.label, e.barrier);
  }
  return { label, priority };
}
