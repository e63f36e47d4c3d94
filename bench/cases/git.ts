/**
 * Case 6: git on a big catalog: committing a first sync of about 20,000 files (600 charts x 10
 * versions x README, values, schema and Chart.yaml, plus chart.json files) through chartroom's
 * CatalogGit, and the status check a quiet run makes, against plain git commands on an identical
 * tree in the same run.
 */
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { createCatalogGit } from '../../src/git/repo.ts';
import { createTempRepo } from '../../testkit/temp-repo.ts';
import { n, ratio, run, summarise, timed, treeBytes, type BenchContext, type CaseResult } from '../lib.ts';
import { generateCatalog } from './site.ts';

export async function gitCommit(ctx: BenchContext): Promise<CaseResult> {
  const charts = ctx.small ? 10 : 600;
  const commit: number[] = [];
  const quiet: number[] = [];
  const plainCommit: number[] = [];
  const plainStatus: number[] = [];
  let files = 0;
  for (let i = 0; i < ctx.runs; i++) {
    const repo = await createTempRepo();
    const plain = await createTempRepo();
    try {
      await generateCatalog(repo.root, charts, { distinct: true });
      await generateCatalog(plain.root, charts, { distinct: true });
      files = (await treeBytes(path.join(repo.root, 'catalog'))).files;
      const git = createCatalogGit(repo.root);
      commit.push(await timed(() => git.commitPath('catalog', 'sync: first')));
      // a quiet run: stage (nothing), find nothing staged, and check the catalog commit
      quiet.push(
        await timed(async () => {
          if ((await git.commitPath('catalog', 'sync: nothing')) !== undefined) throw new Error('committed');
          await git.lastCommitTouching('catalog');
        }),
      );
      const sh = (script: string) => run('sh', ['-c', script], { cwd: plain.root });
      plainCommit.push(await timed(() => sh('git add --all catalog && git commit --quiet -m first')));
      plainStatus.push(await timed(() => sh('git status --porcelain catalog')));
      if ((await simpleGit(plain.root).raw(['status', '--porcelain', 'catalog'])).trim() !== '')
        throw new Error('plain git left catalog/ uncommitted');
    } finally {
      await repo.cleanup();
      await plain.cleanup();
    }
  }
  const m = (values: number[]) => summarise(values.map((ms) => ({ ms, maxRssMiB: 0 }))).ms;
  const json = {
    data: `${n(files)} files in catalog/ (${n(charts)} charts x 10 versions, every version's Chart.yaml and values.yaml distinct)`,
    files,
    commit: m(commit),
    quietCheck: m(quiet),
    plainCommit: m(plainCommit),
    plainStatus: m(plainStatus),
    ratioCommit: ratio(m(commit), m(plainCommit)),
    ratioQuiet: ratio(m(quiet), m(plainStatus)),
  };
  const markdown = `## 6. Git: ${json.data}

| operation | chartroom (CatalogGit) | baseline: plain git | ratio |
|---|---|---|---|
| commit a first sync (add --all, check staged, commit) | ${json.commit} ms | ${json.plainCommit} ms (\`git add --all catalog && git commit\`) | ${json.ratioCommit}x |
| a quiet run's check (add --all finds nothing, last catalog commit) | ${json.quietCheck} ms | ${json.plainStatus} ms (\`git status --porcelain catalog\`) | ${json.ratioQuiet}x |
`;
  return {
    json,
    markdown,
    targets: [], // the issue asks for the figures on this machine, with no target
  };
}
