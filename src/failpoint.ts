/**
 * Crash-safety testing: when CHARTROOM_FAILPOINT names a point, the process kills itself there
 * with SIGKILL (no cleanup, no finally), as a power cut or an OOM kill would. Points:
 * after-version-files, before-chart-json, mid-chart-metadata (the one-time correction,
 * sync/chart-metadata.ts), before-commit, mid-commit.
 */
export function failpoint(name: string): void {
  if (process.env.CHARTROOM_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
