/** A username and password resolved for a registry, in memory only, and the Basic header made from it. */
export interface Credential {
  username: string;
  password: string;
}

/** Basic auth as chart repositories (ChartMuseum, Harbor, Nexus, Artifactory) and ECR expect it. */
export function basicAuthHeader(credential: Credential): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}
