import { describe, expect, it } from 'vitest';
import { tableCell } from './github.ts';

describe('tableCell', () => {
  it('keeps a server text with CR, LF, line separators and pipes inside one Markdown table cell', () => {
    const cell = tableCell('answered 500:\r| forged | row |\r\n\u2028next');
    expect(cell).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(cell.split(/(?<!\\)\|/)).toHaveLength(1);
  });
});
