/**
 * A billion laughs: `levels` anchored lists of ten aliases of the one before, then `rest`:
 * 10^(levels+1) strings if a parser or a walk expanded the aliases.
 */
export const laughs = (levels: number, rest: string) =>
  [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...Array.from(
      { length: levels },
      (_, i) =>
        `l${i}: &l${i} [${Array<string>(10)
          .fill(i === 0 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
    ),
    rest,
  ].join('\n');
