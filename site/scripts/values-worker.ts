/**
 * Validates values against a chart's values.schema.json, off the page's thread: a schema's
 * `pattern` can be a catastrophic regex, and the page kills this worker when it takes too long.
 * Values are merged over the chart's defaults first, as Helm validates the merged values.
 */
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { schemaDraft } from '../lib/schema-table.ts';
import type { ValidateRequest, ValidateResponse } from './values-protocol.ts';

type Validator = ((data: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; message?: string }> | null;
};
type Json = Record<string, unknown>;

// CommonJS interop: Node's types see the module (function on .default), the bundle the function
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (
  ajv: Ajv,
) => unknown;

const compiled = new Map<string, Validator | Error>();
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function compile(schemaText: string): Validator | Error {
  const cached = compiled.get(schemaText);
  if (cached) return cached;
  let result: Validator | Error;
  try {
    const schema = JSON.parse(schemaText) as unknown;
    if (!isMap(schema)) throw new Error('the schema is not a JSON object');
    const draft = schemaDraft(schema);
    const Class = draft === '2020-12' ? Ajv2020 : draft === '2019-09' ? Ajv2019 : Ajv;
    // unknown keywords and formats are tolerated, as Helm tolerates them
    const ajv = new Class({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    // `http://json-schema.org/schema#` and friends name no meta-schema ajv has: the class decides
    const { $schema: _declared, ...rest } = schema;
    result = ajv.compile(rest) as Validator;
  } catch (error) {
    result = new Error((error as Error).message);
  }
  compiled.set(schemaText, result);
  return result;
}

/** The chart's own values.yaml; one that does not parse counts as empty (Helm would refuse the chart). */
function parseDefaults(text: string | undefined): unknown {
  if (!text) return {};
  try {
    return parse(text) ?? {};
  } catch {
    return {};
  }
}

/** Helm's coalescing: maps merge key by key, anything else replaces, null removes a default. */
function merge(defaults: unknown, values: unknown): unknown {
  if (!isMap(defaults) || !isMap(values)) return values;
  const out: Json = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) delete out[key];
    else out[key] = merge(defaults[key], value);
  }
  return out;
}

self.onmessage = (event: MessageEvent<ValidateRequest>) => {
  const { id, schema, defaults, values } = event.data;
  const reply = (response: ValidateResponse) => self.postMessage(response);
  const validate = compile(schema);
  if (validate instanceof Error) return reply({ id, kind: 'schema-error', message: validate.message });
  let parsed: unknown;
  try {
    parsed = parse(values) ?? {};
  } catch (error) {
    return reply({ id, kind: 'yaml-error', message: (error as Error).message });
  }
  if (!isMap(parsed))
    return reply({ id, kind: 'yaml-error', message: 'values must be a YAML mapping (key: value)' });
  const ok = validate(merge(parseDefaults(defaults), parsed));
  reply(
    ok
      ? { id, kind: 'valid' }
      : {
          id,
          kind: 'invalid',
          errors: (validate.errors ?? [])
            .slice(0, 50)
            .map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' })),
        },
  );
};
