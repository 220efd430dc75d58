import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/sample';

// Native ESM breaks @azure/functions named imports at runtime although tsc and Vitest are happy
// (a named import of @azure/functions fails at run time under ESM), so load every compiled entry file the way the Functions host does: plain Node.
describe('compiled function entry files', () => {
  const dir = path.join(ROOT, 'dist', 'functions');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'));

  it('exist for every functions/*.ts source', () => {
    const sources = readdirSync(path.join(ROOT, 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, '.js'));
    expect(files.sort()).toEqual(sources.sort());
  });

  it.each(files)('%s loads with plain Node (CommonJS)', (file) => {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, file))})`], {
      encoding: 'utf8',
      env: { ...process.env, WIMON_STORAGE_CONNECTION_STRING: '' },
    });
    // Outside the Functions host the library announces test mode; anything else is a load problem.
    const other = r.stderr
      .split('\n')
      .filter(
        (l) =>
          l.trim() &&
          !/^WARNING: (Failed to detect the Azure Functions runtime|Skipping call to register function)/.test(
            l,
          ),
      );
    expect(other).toEqual([]);
    // The file really registered its trigger (skipped only because this is not the host).
    expect(r.stderr).toContain(`Skipping call to register function "${file.replace(/\.js$/, '')}"`);
    expect(r.status).toBe(0);
  });

  it('the module graph of the Function bundle holds no emulator, CLI or test module', () => {
    // Every entry file loaded as the host loads them; then the whole graph Node resolved.
    const script = `
      const path = require('node:path');
      for (const f of ${JSON.stringify(files)}) require(path.join(${JSON.stringify(dir)}, f));
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const loaded = (JSON.parse(r.stdout) as string[]).map((f) => path.relative(ROOT, f));
    // The graph is real: the entry files, the runtime and the use cases are in it.
    expect(loaded).toContain(path.join('dist', 'functions', 'reconcile.js'));
    expect(loaded).toContain(path.join('dist', 'shared', 'app', 'services.js'));
    expect(loaded).toContain(path.join('dist', 'shared', 'rules', 'evaluate.js'));
    const forbidden = loaded.filter(
      (f) =>
        f.startsWith(path.join('dist', 'emulator')) ||
        f.startsWith(path.join('dist', 'shared', 'cli')) ||
        f.startsWith(path.join('dist', 'bench')) ||
        /node_modules[\\/](selfsigned|azurite)[\\/]/.test(f),
    );
    expect(forbidden).toEqual([]);
  });

  it('package.json main points at the compiled entry files', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require(path.join(ROOT, 'package.json')).main).toBe('dist/functions/*.js');
  });
});
