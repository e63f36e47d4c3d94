/**
 * `chartroom registry add` and `remove`: arguments and what was written; the work is
 * src/config/edit.ts.
 */
import { requireCatalogRepository } from '../../config/catalog-repository.ts';
import { removeRegistryFile, writeRegistryFile } from '../../config/edit.ts';
import { REGISTRY_NAME } from '../../config/load.ts';
import { UsageError } from '../../errors.ts';
import { parseCommand, usageLine, type CommandHelp } from '../help.ts';
import type { Output } from '../output.ts';

export const REGISTRY_HELP = {
  add: {
    command: 'registry add',
    args: 'NAME URL',
    summary:
      'Writes registries/NAME.yaml for a chart repository (https://…) or an OCI registry (oci://host/namespace), or updates its fields in place, keeping comments. The file is checked as validate checks it before it is written.',
    options: {
      description: { type: 'string', value: 'TEXT', does: 'the description the site shows for the registry' },
      credential: {
        type: 'string',
        value: 'C',
        does: 'the credential file (registries/credentials/C.yaml) to use',
      },
      interval: {
        type: 'string',
        value: 'D',
        does: 'how often to sync it: 10s to 24h (e.g. 30m), or 0 for on demand only',
      },
      insecure: {
        type: 'boolean',
        does: 'plain http (an http:// repository, or an oci:// registry without TLS): turns off the https guard, for loopback or private test registries',
      },
    },
  },
  remove: {
    command: 'registry remove',
    args: 'NAME',
    summary: 'Removes registries/NAME.yaml; the next sync removes the registry from catalog/.',
    options: {},
  },
} as const satisfies Record<string, CommandHelp>;

export async function registryCommand(root: string, args: string[], output: Output): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'remove') {
    const { positionals } = parseCommand(REGISTRY_HELP.remove, rest);
    const name = registryName(positionals, 1, REGISTRY_HELP.remove);
    await requireCatalogRepository(root);
    const file = await removeRegistryFile(root, name);
    output.out(`removed ${file}; the next sync removes its part of catalog/`);
    return 0;
  }
  if (sub !== 'add')
    throw new UsageError(
      `registry needs a subcommand: ${usageLine(REGISTRY_HELP.add)} | ${usageLine(REGISTRY_HELP.remove)}`,
    );
  const { values, positionals } = parseCommand(REGISTRY_HELP.add, rest);
  const name = registryName(positionals, 2, REGISTRY_HELP.add);
  // the command that starts registries/ in a git repository: the root need only exist
  await requireCatalogRepository(root, { starting: true });
  const { file, created } = await writeRegistryFile(root, name, {
    url: positionals[1]!,
    description: values.description,
    credential: values.credential,
    interval: values.interval,
    insecure: values.insecure === true,
  });
  output.out(`${created ? 'wrote' : 'updated'} ${file}`);
  return 0;
}

function registryName(positionals: string[], count: number, help: CommandHelp): string {
  const name = positionals[0];
  if (!name || !REGISTRY_NAME.test(name))
    throw new UsageError(`registry needs a NAME of lowercase letters, digits and dashes: ${usageLine(help)}`);
  if (positionals.length !== count) throw new UsageError(usageLine(help));
  return name;
}
