#!/usr/bin/env node
// chartroom's command. Installed as a package (this file inside a node_modules folder) it runs the
// compiled JavaScript in lib/, which needs Node 22.12 (Astro's floor). In a development checkout it
// runs the TypeScript sources in src/ with Node's built-in type stripping, on by default from
// Node 22.18; `npm install` there puts a Node 24 binary in node_modules/.bin, which `npx` and npm
// scripts put first on PATH. An older Node is refused here, before an import fails obscurely.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
// installed: inside a node_modules folder (or a copy without src/)
const installed =
  here.split(path.sep).includes('node_modules') || !existsSync(path.join(path.dirname(here), '..', 'src'));
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const [needMajor, needMinor] = installed ? [22, 12] : [22, 18];
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  process.stderr.write(
    installed
      ? `chartroom needs Node ${needMajor}.${needMinor} or later (this is Node ${process.versions.node}): ` +
          'install a newer Node (24 is the one chartroom is tested on) and run "npx chartroom …" again.\n'
      : `chartroom runs from its TypeScript sources here, which needs Node ${needMajor}.${needMinor} or later ` +
          `(this is Node ${process.versions.node}). Run "npm install" in the checkout and start it with ` +
          '"npx chartroom …", which uses the Node 24 it installs.\n',
  );
  process.exit(2);
}
const { main } = await import(installed ? '../lib/cli/main.js' : '../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
