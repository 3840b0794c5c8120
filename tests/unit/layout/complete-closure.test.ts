// Closure of small objects (complete-closure.ts): the bays of an object's hull that an edge shuts off.
import { closeObjectBays, ClosureRule } from '../../../src/layout/complete-closure';

describe('closeObjectBays', () => {
  // A 40×30 cell grid of "sky" (label 1, colour 100). The object (label 2) is a C at x 10..25,
  // y 8..22: its left bar (x 10..13) and top and bottom bars (y 8..11 and 19..22); the bay between the
  // bars (x 13..25, y 11..19, 96 cells) is flooded sky. One stroke of each class.
  const w = 40, h = 30, n = w * h;
  const rule: ClosureRule = { maxCells: 400, join: 2, hostShare: 0.75, mouthEdge: 30, minCells: 10 };
  const inBay = (j: number): boolean => {
    const x = j % w, y = Math.floor(j / w);
    return x >= 13 && x < 25 && y >= 11 && y < 19;
  };
  const inObject = (j: number): boolean => {
    const x = j % w, y = Math.floor(j / w);
    return x >= 10 && x < 25 && y >= 8 && y < 22 && !inBay(j);
  };
  /** Labels, seeds and colours with the bay's colour and the object's as given. */
  const scene = (bayColour: number, objectColour = 200) => {
    const labels = new Uint8Array(n), seeds = new Uint8Array(n), rgb = new Float32Array(n * 3);
    for (let j = 0; j < n; j++) {
      labels[j] = inObject(j) ? 2 : 1;
      rgb.fill(inObject(j) ? objectColour : inBay(j) ? bayColour : 100, j * 3, j * 3 + 3);
    }
    seeds[0] = 1;
    seeds[9 * w + 11] = 2;
    return { labels, seeds, rgb };
  };
  const count = (labels: Uint8Array, f: (j: number) => boolean, l: number): number => {
    let c = 0;
    for (let j = 0; j < n; j++) if (f(j) && labels[j] === l) c++;
    return c;
  };

  test('a bay that an edge shuts off from the sky goes to the object; nothing else changes', () => {
    const { labels, seeds, rgb } = scene(140); // 40 levels from the sky (as a blue panel is from a grey-blue sky)
    expect(closeObjectBays(labels, seeds, rgb, w, h, [1, 2], rule)).toBe(96);
    expect(count(labels, inBay, 2)).toBe(96);
    expect(count(labels, (j) => !inBay(j) && !inObject(j), 2)).toBe(0);
  });

  test('a bay open to the sky with no edge stays sky (sky seen through the object)', () => {
    const { labels, seeds, rgb } = scene(100);
    expect(closeObjectBays(labels, seeds, rgb, w, h, [1, 2], rule)).toBe(0);
    expect(count(labels, inBay, 1)).toBe(96);
  });

  test('no closure for an object with no stroke, one too large, one between two classes, or a bay with a stroke', () => {
    let s = scene(140);
    s.seeds[9 * w + 11] = 0;
    expect(closeObjectBays(s.labels, s.seeds, s.rgb, w, h, [1, 2], rule)).toBe(0);
    s = scene(140);
    expect(closeObjectBays(s.labels, s.seeds, s.rgb, w, h, [1, 2], { ...rule, maxCells: 100 })).toBe(0);
    s = scene(140);
    // Below y = 12 the grid becomes another class (3): most of the object's outline borders it or the bay.
    for (let j = 0; j < n; j++) if (Math.floor(j / w) >= 12 && !inObject(j) && !inBay(j)) s.labels[j] = 3;
    expect(closeObjectBays(s.labels, s.seeds, s.rgb, w, h, [1, 2, 3], rule)).toBe(0);
    s = scene(140);
    s.seeds[15 * w + 20] = 1;
    expect(closeObjectBays(s.labels, s.seeds, s.rgb, w, h, [1, 2], rule)).toBe(0);
  });
});
