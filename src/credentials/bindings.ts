/**
 * Every credential-to-host binding the registry files declare, for a reviewer: which secret
 * (a SOPS file's, or the environment variable a plain file refers to) may go to which host, and
 * which registries send it there. `validate` lists the bindings a pull request adds or changes
 * against the base it is compared with. Read leniently from the files' text (the base's files
 * were never checked here): what does not parse declares nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { hostAllowed, hostOfUrl } from './hosts.ts';

export interface Binding {
  /** registries/credentials/<name>.yaml */
  file: string;
  /** `SOPS` or `$NAME (password)` */
  secret: string;
  host: string;
  /** registries (their names) that name this credential and whose host the entry matches */
  usedBy: string[];
}

/** `files`: repository-relative path → text, for registries/*.yaml and registries/credentials/*.yaml. */
export function bindingsOf(files: ReadonlyMap<string, string>): Binding[] {
  const registries: Array<{ name: string; credential: string; host: string }> = [];
  const credentials: Array<{ file: string; text: string }> = [];
  for (const [file, text] of files) {
    if (path.posix.dirname(file) === 'registries/credentials') credentials.push({ file, text });
    else if (path.posix.dirname(file) === 'registries') {
      const doc = lenient(text);
      const host = typeof doc.url === 'string' ? hostOfUrl(doc.url) : undefined;
      if (typeof doc.credential === 'string' && host)
        registries.push({
          name: path.posix.basename(file).replace(/\.ya?ml$/, ''),
          credential: doc.credential,
          host,
        });
    }
  }
  const out: Binding[] = [];
  for (const { file, text } of credentials) {
    const doc = lenient(text);
    const name = path.posix.basename(file).replace(/\.ya?ml$/, '');
    const hosts = Array.isArray(doc.hosts) ? doc.hosts.filter((h): h is string => typeof h === 'string') : [];
    const secrets = doc.sops !== undefined ? ['SOPS'] : envSecrets(doc);
    for (const host of hosts) {
      const usedBy = registries
        .filter((r) => r.credential === name && hostAllowed([host], r.host))
        .map((r) => r.name)
        .sort();
      for (const secret of secrets) out.push({ file, secret, host, usedBy });
    }
  }
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The bindings of `head` that `base` does not have as they are (new, or used by other registries now). */
export function changedBindings(head: Binding[], base: Binding[]): Binding[] {
  const before = new Set(base.map((b) => `${key(b)}\0${b.usedBy.join(',')}`));
  return head.filter((b) => !before.has(`${key(b)}\0${b.usedBy.join(',')}`));
}

const key = (b: Binding) => `${b.file}\0${b.secret}\0${b.host}`;

function envSecrets(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const field of ['username', 'password']) {
    const value = doc[field] as { env?: unknown } | undefined;
    if (value && typeof value === 'object' && typeof value.env === 'string')
      out.push(`$${value.env} (${field})`);
  }
  return out;
}

function lenient(text: string): Record<string, unknown> {
  try {
    const doc = parse(text, { maxAliasCount: 0 }) as unknown;
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The registry and credential files of the working tree, as `bindingsOf` reads them. */
export async function filesOnDisk(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const dir of ['registries', 'registries/credentials']) {
    const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
    for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const file = `${dir}/${name}`;
      const text = await readFile(path.join(root, file), 'utf8').catch(() => undefined);
      if (text !== undefined) out.set(file, text);
    }
  }
  return out;
}
