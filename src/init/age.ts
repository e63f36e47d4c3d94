/**
 * The age recipients `init` writes into `.sops.yaml`: the ones given, each checked, or those of a
 * key pair generated here (its private key is returned to be printed once, never written).
 */
import { Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { UsageError } from '../errors.ts';

export interface Recipients {
  recipients: string[];
  /** the private key of a generated key pair (`AGE-SECRET-KEY-1…`), when none were given */
  identity?: string;
}

/** Throws a UsageError naming the first recipient that is not an age public key. */
export function checkRecipients(recipients: string[]): void {
  for (const recipient of recipients) {
    try {
      if (!recipient.startsWith('age1')) throw new Error('not age1…');
      new Encrypter().addRecipient(recipient);
    } catch {
      throw new UsageError(
        `--age-recipient ${JSON.stringify(recipient)} is not an age recipient (age1…, as age-keygen -y prints it)`,
      );
    }
  }
}

/** The given recipients, or a new key pair's when there are none. */
export async function recipientsFor(given: string[]): Promise<Recipients> {
  if (given.length > 0) return { recipients: given };
  const identity = await generateIdentity();
  return { recipients: [await identityToRecipient(identity)], identity };
}
