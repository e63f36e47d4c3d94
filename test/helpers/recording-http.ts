import { createHttpClient, type HttpClient } from '../../src/http/client.ts';

/** The real HTTP client, recording the URL of every request the sync makes through it. */
export function recordingHttp(): HttpClient & { urls: string[]; reset(): void } {
  const inner = createHttpClient({ retries: 0 });
  const urls: string[] = [];
  return {
    urls,
    reset: () => void urls.splice(0),
    get requestCount() {
      return inner.requestCount;
    },
    get: (url, options) => {
      urls.push(url);
      return inner.get(url, options);
    },
    close: () => inner.close(),
  };
}
