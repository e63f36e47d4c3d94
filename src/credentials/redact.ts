/**
 * Removes secrets from anything chartroom prints or writes. Every secret is registered once, in
 * the forms it can leak in: raw, base64 (Basic auth headers), URL-encoded.
 */
export interface Redactor {
  add(secret: string): void;
  redact(text: string): string;
  /** whether any secret was added (when none was, nothing needs redacting) */
  empty(): boolean;
}

export function createRedactor(): Redactor {
  const forms = new Set<string>();
  return {
    add(secret) {
      if (secret.length < 4) return; // too short to tell from ordinary text
      for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)])
        forms.add(form);
    },
    empty: () => forms.size === 0,
    redact(text) {
      let out = text;
      // longest first, so a secret that contains another is removed whole
      for (const form of [...forms].sort((a, b) => b.length - a.length))
        out = out.split(form).join('[redacted]');
      return out;
    },
  };
}
