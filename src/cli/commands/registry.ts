/**
 * `chartroom registry add` and `remove`: arguments and what was written; the work is
 * src/config/edit.ts.
 */
import { parseArgs } from 'node:util';
import { removeRegistryFile, writeRegistryFile } from '../../config/edit.ts';
import { REGISTRY_NAME } from '../../config/load.ts';
import { UsageError } from '../../errors.ts';
import type { Output } from '../output.ts';

export const REGISTRY_USAGE =
  'chartroom registry add NAME URL [--credential C] [--interval D] | registry remove NAME';

export async function registryCommand(root: string, args: string[], output: Output): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { credential: { type: 'string' }, interval: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const name = positionals[0];
  if (!name || !REGISTRY_NAME.test(name))
    throw new UsageError('registry needs a NAME of lowercase letters, digits and dashes');

  if (sub === 'remove') {
    if (positionals.length !== 1) throw new UsageError(REGISTRY_USAGE);
    const file = await removeRegistryFile(root, name);
    output.out(`removed ${file}; the next sync removes its part of catalog/`);
    return 0;
  }
  if (sub !== 'add' || positionals.length !== 2) throw new UsageError(REGISTRY_USAGE);
  const { file, created } = await writeRegistryFile(root, name, {
    url: positionals[1]!,
    credential: values.credential,
    interval: values.interval,
  });
  output.out(`${created ? 'wrote' : 'updated'} ${file}`);
  return 0;
}
