/**
 * What a registry sends is written to catalog/ (and so to the commit and the public site) only
 * after the run's redactor has removed every secret from it: a registry that was sent a
 * credential, or a token bought with one, can echo it back in a chart's description, its
 * annotations or its README as easily as in an error body.
 */
import type { CatalogChart, CatalogRegistry } from '../catalog/types.ts';
import type { CatalogStore } from '../catalog/store.ts';
import type { Redactor } from '../credentials/redact.ts';

export function redactingStore(store: CatalogStore, redactor: Redactor): CatalogStore {
  // the redactor learns secrets during the run (a token as it is bought): it is asked at each write
  return {
    ...store,
    writeRegistry: (doc) => store.writeRegistry(redactDeep(doc, redactor) as CatalogRegistry),
    writeChart: (doc) => store.writeChart(redactDeep(doc, redactor) as CatalogChart),
    writeVersionFiles: (registry, chart, version, files) =>
      store.writeVersionFiles(registry, chart, version, redactFiles(files, redactor)),
    addVersionFiles: (registry, chart, version, files) =>
      store.addVersionFiles(registry, chart, version, redactFiles(files, redactor)),
  };
}

function redactFiles(files: Map<string, Buffer>, redactor: Redactor): Map<string, Buffer> {
  return new Map([...files].map(([name, body]) => [name, redactBuffer(body, redactor)]));
}

/** Every string of a JSON value, redacted; the value itself when nothing in it is a secret. */
function redactDeep(value: unknown, redactor: Redactor): unknown {
  if (redactor.empty()) return value;
  const text = JSON.stringify(value);
  const redacted = redactor.redact(text);
  if (redacted === text) return value;
  // a secret inside a string: redact the strings themselves (redacting the JSON text could cut
  // an escape sequence in two)
  return JSON.parse(text, (_key, v: unknown) => (typeof v === 'string' ? redactor.redact(v) : v));
}

function redactBuffer(body: Buffer, redactor: Redactor): Buffer {
  if (redactor.empty()) return body;
  const text = body.toString('utf8');
  const redacted = redactor.redact(text);
  return redacted === text ? body : Buffer.from(redacted);
}
