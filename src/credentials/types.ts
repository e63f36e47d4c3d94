/** A resolved credential, in memory only. */
export interface Credential {
  username: string;
  password: string;
}

/** Basic auth as chart repositories (ChartMuseum, Harbor, Nexus, Artifactory) expect it. */
export function basicAuthHeader(credential: Credential): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}
