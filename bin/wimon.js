#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled TypeScript (npm run build).
let cli;
try {
  cli = require('../dist/shared/cli/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND') {
    process.stderr.write(
      'wimon: the project is not built yet; run `npm ci && npm run build` in its folder first.\n',
    );
    process.exit(2);
  }
  throw error;
}
cli.run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
