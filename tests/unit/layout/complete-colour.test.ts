// The per-class colour Gaussians of layout completion (complete-colour.ts).
import { gaussianColourPosterior } from '../../../src/layout/complete-colour';

describe('gaussianColourPosterior', () => {
  // Samples: class 1 a tight blue (±3), class 2 spread over red, green and purple with shading.
  const samples: number[][] = [];
  const labels: number[] = [];
  for (let k = 0; k < 20; k++) {
    samples.push([70 + (k % 7) - 3, 110 + (k % 5) - 2, 180 + (k % 3) - 1]);
    labels.push(1);
  }
  for (const c of [[200, 40, 40], [40, 160, 70], [120, 50, 150]]) {
    for (let f = 0.6; f <= 1.2; f += 0.1) {
      samples.push(c.map((v) => v * f));
      labels.push(2);
    }
  }
  const probe = [[72, 111, 180], [230, 210, 40], [150, 100, 100], [90, 120, 175]];
  const rgb = Float32Array.from([...samples, ...probe].flat());
  const n = samples.length + probe.length;
  const p = gaussianColourPosterior(rgb, n, Int32Array.from(samples.keys()), Uint8Array.from(labels), [1, 2], 25);
  const P = (i: number, k: number): number => p[(samples.length + i) * 2 + k];

  test('gives a probability per class that sums to one', () => {
    for (let i = 0; i < n; i++) expect(p[i * 2] + p[i * 2 + 1]).toBeCloseTo(1, 6);
  });

  test('the tight class keeps its own colour and colours close to it', () => {
    expect(P(0, 0)).toBeGreaterThan(0.99);
    expect(P(3, 0)).toBeGreaterThan(0.5); // 20 levels from the blue: still more likely blue than kite
  });

  test('a colour no sample has goes to the spread class, not the tight one', () => {
    expect(P(1, 1)).toBeGreaterThan(0.99); // yellow
    expect(P(2, 1)).toBeGreaterThan(0.99); // a dull red-grey between the kite's colours
  });

  test('a class without samples claims no colour', () => {
    // Black included: an empty class must not become a point at the zero colour.
    const withBlack = Float32Array.from([...samples, ...probe, [0, 0, 0]].flat());
    const q = gaussianColourPosterior(withBlack, n + 1, Int32Array.from(samples.keys()), Uint8Array.from(labels), [1, 2, 7], 25);
    for (let i = 0; i <= n; i++) expect(q[i * 3 + 2]).toBe(0);
    expect(q[samples.length * 3]).toBeGreaterThan(0.99); // the tight blue is still blue
    const none = gaussianColourPosterior(rgb, n, new Int32Array(0), new Uint8Array(0), [1, 2], 25);
    expect(Array.from(none.slice(0, 4))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});
