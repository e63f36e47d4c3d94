/**
 * Which environment variables a plain credential file's `{env: NAME}` references may read, and
 * for which hosts: bound where the secret enters the environment (the sync workflow, the VM or
 * the pod running `chartroom watch`), never in a file a registry pull request can add. The sync's
 * environment variable `CHARTROOM_ENV_HOSTS` holds entries `NAME=host[,host…]`, separated by
 * whitespace (newlines) or `;`; a host matches as a credential's `hosts` do (a hostname any port,
 * `host:port` that port only). `SOPS_AGE_KEY*` can never be bound: it decrypts every SOPS
 * credential.
 */
import { hostAllowed } from './hosts.ts';

export const ENV_HOSTS = 'CHARTROOM_ENV_HOSTS';

export interface EnvBindings {
  /** variable → the hosts it may be sent to */
  hosts: Map<string, string[]>;
  /** entries that were not taken, each said in words */
  problems: string[];
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Variables no reference may read, whatever the environment says. */
export const neverBound = (variable: string): boolean => /^SOPS_AGE_KEY/i.test(variable);

export function parseEnvHosts(text: string | undefined): EnvBindings {
  const hosts = new Map<string, string[]>();
  const problems: string[] = [];
  for (const entry of (text ?? '').split(/[\s;]+/).filter(Boolean)) {
    const at = entry.indexOf('=');
    const variable = at === -1 ? entry : entry.slice(0, at);
    const list =
      at === -1
        ? []
        : entry
            .slice(at + 1)
            .split(',')
            .filter(Boolean);
    if (!VARIABLE.test(variable) || list.length === 0 || !list.every((h) => HOST.test(h))) {
      problems.push(`"${entry}" is not NAME=host[,host…]`);
    } else if (neverBound(variable)) {
      problems.push(`${variable} can never be bound: it decrypts every SOPS credential`);
    } else {
      hosts.set(variable, [...(hosts.get(variable) ?? []), ...list]);
    }
  }
  return { hosts, problems };
}

/**
 * Why a reference to `variable` may not be read for `host`, ending with what to do (a registry's
 * error records its message only); undefined when it may be read.
 */
export function refusal(variable: string, host: string, bindings: EnvBindings): string | undefined {
  if (neverBound(variable)) {
    return 'which no credential may read (it decrypts every SOPS credential); refer to the variable that holds the registry token';
  }
  const bound = bindings.hosts.get(variable);
  if (bound && hostAllowed(bound, host)) return undefined;
  if (!bound) {
    const ignored = bindings.problems.length ? ` (it ignores: ${bindings.problems.join('; ')})` : '';
    return `which the sync's ${ENV_HOSTS} does not bind to any host${ignored}, so it is not read; ${howToBind(variable, `${variable}=${host}`)}`;
  }
  return `which ${ENV_HOSTS} binds to ${bound.join(', ')} only, not to host ${host}; ${howToBind(variable, `${variable}=${[...bound, host].join(',')}`)}`;
}

/** The words every refusal ends with: the exact setting, and where it goes. */
export function howToBind(variable: string, entry: string): string {
  return `if ${variable} may be sent to that host, bind it where the secret is put into the environment: ${ENV_HOSTS}='${entry}' (the Action's env-hosts input; for chartroom sync or watch on a VM or in a cluster, their environment)`;
}
