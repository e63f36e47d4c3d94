import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../http/client.ts';
import { collectPages, type PagedList } from './pages.ts';

const origin = 'https://r.example';
/** pages of `perPage` tags, `pages` of them, each linking to the next */
function list(pages: number, perPage: number, pad = 0): PagedList {
  return {
    first: `${origin}/v2/a/tags/list?page=0`,
    key: 'tags',
    what: 'registry r: r.example/a: the tags',
    fetch(url) {
      const page = Number(new URL(url).searchParams.get('page'));
      const body = { tags: Array.from({ length: perPage }, (_, i) => `${page}.${i}`), pad: ' '.repeat(pad) };
      const bytes = Buffer.from(JSON.stringify(body));
      const link = page + 1 < pages ? `</v2/a/tags/list?page=${page + 1}>; rel="next"` : undefined;
      const response: HttpResponse = { status: 200, headers: link ? { link } : {}, body: bytes, url };
      return Promise.resolve({ response, body });
    },
  };
}

describe('paginated lists', () => {
  it('take every entry up to the bounds, in order', async () => {
    const tags = await collectPages(list(3, 4), { maxPages: 3, maxEntries: 12, maxBytes: 1e6 });
    expect(tags).toHaveLength(12);
    expect(tags.slice(0, 5)).toEqual(['0.0', '0.1', '0.2', '0.3', '1.0']);
  });
  it('refuse a list past its pages, entries or bytes', async () => {
    const bounds = { maxPages: 3, maxEntries: 12, maxBytes: 1e6 };
    await expect(collectPages(list(4, 0), bounds)).rejects.toThrow(
      /the tags: more than 3 pages; chartroom reads at most 3 pages/,
    );
    await expect(collectPages(list(3, 5), bounds)).rejects.toThrow(/the tags: more than 12 entries/);
    await expect(
      collectPages(list(3, 1, 3 * 1048576), { ...bounds, maxBytes: 8 * 1048576 }),
    ).rejects.toMatchObject({
      code: 'TooManyPages',
      message: expect.stringMatching(/the tags: more than 8 MiB of pages/) as string,
    });
  });
});
