import { expect, it } from 'vitest';
import { stableStringify } from './json.ts';

it('writes sorted keys at every level, drops undefined, keeps array order', () => {
  expect(stableStringify({ b: 1, a: { d: [3, 1], c: undefined, b: 'x' } })).toBe(
    '{\n  "a": {\n    "b": "x",\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n',
  );
});
