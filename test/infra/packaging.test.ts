/**
 * The deployment package, built as azd and Flex Consumption's remote build would: the prepackage
 * hook stages .deploy/ (infra/hooks/stage-package.mjs), azd zips it minus .funcignore (gitignore
 * syntax), and the remote build runs npm on it. What ships is dist/ (the functions and the modules
 * they load), host.json, package.json with its lock, and the production dependencies: nothing of
 * the tests, the benchmark, the emulator, the examples, or any dev dependency.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/sample';

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory()
      ? files(full, base)
      : [path.relative(base, full).split(path.sep).join('/')];
  });
}

describe('deployment package', () => {
  it('holds only the compiled app, host.json and package.json (+ lock); the remote build adds production dependencies only, and every function loads from it', () => {
    const staged = mkdtempSync(path.join(os.tmpdir(), 'wimon-package-'));
    const stage = spawnSync(
      process.execPath,
      [path.join(ROOT, 'infra', 'hooks', 'stage-package.mjs'), '--no-build', '--out', staged],
      { encoding: 'utf8' },
    );
    expect(stage.stderr).toBe('');
    expect(stage.status).toBe(0);

    // What azd uploads: the staged files minus .funcignore's patterns.
    const ignored = ignore().add(readFileSync(path.join(staged, '.funcignore'), 'utf8'));
    const zipped = files(staged).filter((f) => !ignored.ignores(f));
    expect([...new Set(zipped.map((f) => f.split('/')[0]))].sort()).toEqual([
      'dist',
      'host.json',
      'package-lock.json',
      'package.json',
    ]);
    expect(
      [...new Set(zipped.filter((f) => f.startsWith('dist/')).map((f) => f.split('/')[1]))].sort(),
    ).toEqual(['functions', 'shared']);
    expect(
      zipped.filter(
        (f) => /\.(map|tsbuildinfo)$/.test(f) || /(^|\/)(test|bench|emulator|examples|cli)\//.test(f),
      ),
    ).toEqual([]);
    // Every compiled function is in it.
    const functions = readdirSync(path.join(ROOT, 'functions')).map(
      (f) => `dist/functions/${f.replace(/\.ts$/, '.js')}`,
    );
    for (const f of functions) expect(zipped).toContain(f);

    const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const manifest = JSON.parse(readFileSync(path.join(staged, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toEqual(root.dependencies);
    expect(manifest.main).toBe(root.main);
    // No build step for the remote build to run, and nothing for it to install beyond production.
    expect(manifest).not.toHaveProperty('scripts');
    expect(manifest).not.toHaveProperty('devDependencies');

    // The remote build: npm installs from the lock, production only (from npm's cache when it has them).
    const build = mkdtempSync(path.join(os.tmpdir(), 'wimon-remote-build-'));
    for (const f of zipped) cpSync(path.join(staged, f), path.join(build, f));
    const npm = spawnSync(
      'npm',
      ['ci', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      { cwd: build, encoding: 'utf8' },
    );
    expect(npm.status, npm.stderr).toBe(0);

    // Installed: exactly the packages the repository's lock marks as not dev-only (read here from the lock, not from the staging code).
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; optional?: boolean }>;
    };
    const production = Object.entries(lock.packages)
      .filter(([k, v]) => k !== '' && !v.dev)
      .map(([k]) => k);
    const installed = files(path.join(build, 'node_modules'))
      .filter((f) => /(^|\/)package\.json$/.test(f))
      .map((f) => `node_modules/${f.replace(/\/?package\.json$/, '')}`)
      .filter((p) => production.includes(p) || Object.prototype.hasOwnProperty.call(lock.packages, p));
    expect(new Set(installed)).toEqual(
      new Set(production.filter((p) => !lock.packages[p]!.optional || installed.includes(p))),
    );
    for (const dev of ['typescript', 'vitest', 'azurite', 'playwright-core', 'eslint'])
      expect(installed).not.toContain(`node_modules/${dev}`);

    // Every module the app loads resolves inside the package, and each function file loads.
    const script = `
      const fs = require('node:fs'); const path = require('node:path');
      const walk = (d) => fs.readdirSync(d).flatMap((n) => { const f = path.join(d, n); return fs.statSync(f).isDirectory() ? walk(f) : f.endsWith('.js') ? [f] : []; });
      const missing = [];
      for (const file of walk('dist'))
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/require\\((['"])([^'"]+)\\1\\)/g))
          try { require.resolve(m[2], { paths: [path.dirname(path.resolve(file))] }); } catch { missing.push(file + ': ' + m[2]); }
      for (const f of fs.readdirSync('dist/functions')) require(path.resolve('dist/functions', f));
      process.stdout.write(JSON.stringify(missing));
    `;
    const load = spawnSync(process.execPath, ['-e', script], {
      cwd: build,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(load.status, load.stderr).toBe(0);
    expect(JSON.parse(load.stdout)).toEqual([]);
  }, 120_000);
});
