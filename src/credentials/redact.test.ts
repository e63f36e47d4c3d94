import { expect, it } from 'vitest';
import { createRedactor } from './redact.ts';

it('removes a secret raw, base64 and URL-encoded, longest form first', () => {
  const r = createRedactor();
  r.add('p@ss/word');
  r.add('robot:p@ss/word');
  const header = Buffer.from('robot:p@ss/word').toString('base64');
  expect(r.redact(`pw=p@ss/word b64=${header} url=p%40ss%2Fword`)).toBe(
    'pw=[redacted] b64=[redacted] url=[redacted]',
  );
});
