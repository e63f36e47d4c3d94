/** Messages between the values form and its validation worker. */
export interface ValidateRequest {
  id: number;
  schema: string;
  defaults: string | undefined;
  values: string;
}

export type ValidateResponse =
  | { id: number; kind: 'valid' }
  | { id: number; kind: 'invalid'; errors: Array<{ path: string; message: string }> }
  | { id: number; kind: 'yaml-error'; message: string }
  | { id: number; kind: 'schema-error'; message: string };
