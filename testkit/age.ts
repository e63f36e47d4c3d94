/** age keys for tests: a fresh key pair, and Debian's `age` CLI as an independent reader. */
import { execFileSync } from 'node:child_process';
import { generateIdentity, identityToRecipient } from 'age-encryption';

export async function newAgeKey(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** Debian's `age` CLI, an independent reader of what chartroom encrypts. */
export function ageCli(): string {
  try {
    execFileSync('age', ['--version'], { stdio: 'pipe' });
    return 'age';
  } catch {
    throw new Error(
      'the `age` command is missing: install it with `apt-get install -y age` (.ci/run does this)',
    );
  }
}
