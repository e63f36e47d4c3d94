/**
 * The branch a CI job runs for, from the variables each CI sets, for a push from the detached
 * HEAD it checks out. Only branch builds count: a tag, pull-request or merge-request build names
 * something else (`refs/pull/N/merge`, a tag, the request's source branch), which the catalog
 * must not be pushed to.
 */
export interface CiBranch {
  branch: string;
  /** the variable it was read from */
  from: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

export function ciBranch(env: Env): CiBranch[] {
  const found: CiBranch[] = [];
  const add = (branch: string | undefined, from: string) => {
    if (set(branch)) found.push({ branch, from });
  };
  // GitHub Actions: GITHUB_REF is refs/heads/<branch> for push, schedule and workflow_dispatch
  // runs, refs/pull/N/merge for pull requests (GITHUB_REF_NAME is then "N/merge")
  if (env.GITHUB_REF?.startsWith('refs/heads/'))
    add(env.GITHUB_REF.slice('refs/heads/'.length), 'GITHUB_REF');
  // GitLab CI: CI_COMMIT_BRANCH is set in branch pipelines only; CI_COMMIT_REF_NAME also names tags
  add(env.CI_COMMIT_BRANCH, 'CI_COMMIT_BRANCH');
  if (!set(env.CI_COMMIT_TAG) && !set(env.CI_MERGE_REQUEST_IID))
    add(env.CI_COMMIT_REF_NAME, 'CI_COMMIT_REF_NAME');
  // Buildkite: BUILDKITE_BRANCH is the tag in tag builds, the source branch in pull-request builds
  const pullRequest = env.BUILDKITE_PULL_REQUEST;
  if (!set(env.BUILDKITE_TAG) && (!set(pullRequest) || pullRequest === 'false'))
    add(env.BUILDKITE_BRANCH, 'BUILDKITE_BRANCH');
  // Jenkins (multibranch): BRANCH_NAME is "PR-N" for a change request and the tag in tag builds
  if (!set(env.CHANGE_ID) && !set(env.TAG_NAME)) add(env.BRANCH_NAME, 'BRANCH_NAME');
  return found;
}
