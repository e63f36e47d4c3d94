/**
 * bench/results.json and results.md, written after EACH case (so a run stopped in its last case
 * keeps the figures of the cases that ended): this run's sections merged with the earlier
 * sections results.json holds (for the cases this run has not measured, or not yet), each with
 * the date it was measured.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaseResult, Target } from './lib.ts';

/** One case's figures as results.json keeps them, so a later run can carry them over. */
export interface Kept {
  date: string;
  json: Record<string, unknown>;
  markdown: string;
  targets: Target[];
}

export interface RunInfo {
  out: string;
  /** every case, in the order results.md lists them */
  caseNames: string[];
  /** the cases this run measures (all of them without --only) */
  planned: string[];
  small: boolean;
  runs: number;
  ram: boolean;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; platform: string };
}

/** The sections results.json already holds (none in small mode, whose figures are not kept). */
export async function earlierSections(info: RunInfo): Promise<Record<string, Kept>> {
  const file = path.join(info.out, 'results.json');
  if (info.small || !existsSync(file)) return {};
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { sections?: Record<string, Kept> }).sections ?? {};
  } catch {
    return {};
  }
}

/** Writes both files from this run's finished cases and the earlier sections. */
export async function writeResults(
  info: RunInfo,
  finished: Record<string, CaseResult & { date: string }>,
  earlier: Record<string, Kept>,
): Promise<string> {
  const date = new Date().toISOString();
  const sections: Record<string, Kept> = Object.fromEntries(
    info.caseNames.flatMap((name) => {
      const section = finished[name] ?? earlier[name];
      return section ? [[name, section]] : [];
    }),
  );
  const fresh = Object.keys(finished);
  const carried = Object.keys(sections).filter((name) => !finished[name]);
  const pending = info.planned.filter((name) => !finished[name]);
  const targets: Target[] = Object.values(sections).flatMap((r) => r.targets);
  const json = {
    date,
    small: info.small,
    runs: info.runs,
    machine: info.machine,
    ...(pending.length ? { pending } : {}),
    targets,
    cases: Object.fromEntries(Object.entries(sections).map(([k, r]) => [k, r.json])),
    sections,
  };
  const md = markdown(info, { date, sections, fresh, carried, pending, targets });
  await mkdir(info.out, { recursive: true });
  // written whole then renamed: a run killed mid-write leaves the previous file, never half of one
  await atomicWrite(path.join(info.out, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  await atomicWrite(path.join(info.out, 'results.md'), md);
  return md;
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, text);
  await rename(partial, file);
}

/** "a, b (date); c (date)": the carried-over cases by the run that measured them. */
function carriedDates(sections: Record<string, Kept>, carried: string[]): string {
  const byDate = Map.groupBy(carried, (name) => sections[name]!.date);
  return [...byDate].map(([when, names]) => `${names.join(', ')} (${when})`).join('; ');
}

function markdown(
  info: RunInfo,
  r: {
    date: string;
    sections: Record<string, Kept>;
    fresh: string[];
    carried: string[];
    pending: string[];
    targets: Target[];
  },
): string {
  const { machine } = info;
  return `# chartroom benchmark results

Measured by \`npm run bench\` (bench/run.ts) on ${r.date}${info.small ? ', small mode (tiny sizes, one run: not figures to quote)' : ''}.
${r.carried.length ? `This run measured ${r.fresh.join(', ') || 'nothing yet'}; the other cases' figures are carried over from earlier runs: ${carriedDates(r.sections, r.carried)}.\n` : ''}${r.pending.length ? `Still to run when this was written: ${r.pending.join(', ')} (the file is rewritten after each case).\n` : ''}Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}.
Medians of ${info.runs} run(s); each sync and parse runs in a fresh process, so peak RSS is its own. Every baseline runs in the same run as what it is compared to.
${info.ram ? 'Repositories and catalogs are on tmpfs (/dev/shm): on this VM the disk takes 1x to 3x as long for the same file creations from one run to the next. Case 2 also shows one run on disk.' : 'Repositories and catalogs are in the system temp folder.'}

## Targets

| case | target | measured | met |
|---|---|---|---|
${r.targets.map((t) => `| ${t.case} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`).join('\n')}

${Object.values(r.sections)
  .map((s) => s.markdown)
  .join('\n')}`;
}
