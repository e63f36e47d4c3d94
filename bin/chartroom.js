#!/usr/bin/env node
// chartroom runs from its TypeScript sources with Node's built-in type stripping, which is on
// by default from Node 22.18: older Nodes are refused here, before the import fails on the
// first type annotation. The message asks for Node 24, the one chartroom is tested on: `npm install`
// puts a Node 24 binary in node_modules/.bin, which `npx` and npm scripts put first on PATH.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `chartroom needs Node 24 (this is Node ${process.versions.node}). Run "npm install" in the chartroom ` +
      `checkout and start it with "npx chartroom …", which uses the Node it installs.\n`,
  );
  process.exit(2);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
