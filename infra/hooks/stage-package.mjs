// azd prepackage: stages what Azure runs into .deploy/ (azure.yaml's service project), and nothing
// else: the compiled functions and the modules they load (dist/functions, dist/shared), host.json,
// and a package.json + package-lock.json that name the production dependencies only (no scripts,
// no devDependencies). azd zips .deploy/ minus .deploy/.funcignore (node_modules among it), and
// Flex Consumption's remote build runs `npm install` on it: production dependencies only, no
// build step (there is no build script to run). Tests, the benchmark, the emulator, examples and
// every dev dependency stay out. test/infra/packaging.test.ts builds the package this way.
//   node infra/hooks/stage-package.mjs [--no-build] [--out DIR]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hook, isEntryPoint } from './azure-cli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The parts of dist/ the functions load (a test resolves every require of the staged package). */
export const SHIPPED_DIST = ['functions', 'shared'];
/** Under them, what only the command line and the docs generator load (never the functions). */
const NOT_SHIPPED = [path.join('shared', 'cli'), path.join('shared', 'docs')];
const KEEP = new Set(['.funcignore']);

/** package.json for Azure: what npm needs to install and Functions needs to find the app. */
export function deployManifest(pkg) {
  const { name, version, description, license, private: isPrivate, main, engines, dependencies } = pkg;
  return { name, version, description, license, private: isPrivate, main, engines, dependencies };
}

/** The lock file without its dev-only packages, agreeing with deployManifest (npm ci accepts it). */
export function deployLock(lock, manifest) {
  const packages = {};
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    if (key === '') {
      packages[key] = {
        name: manifest.name,
        version: manifest.version,
        license: manifest.license,
        dependencies: manifest.dependencies,
        engines: manifest.engines,
      };
      continue;
    }
    if (entry.dev) continue;
    packages[key] = entry;
  }
  return { ...lock, packages };
}

export function stage({ out = path.join(root, '.deploy'), build = true } = {}) {
  if (build) {
    if (!existsSync(path.join(root, 'node_modules', 'typescript')))
      throw new Error('the project is not installed: run `npm ci` in the repository first');
    const r = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.json')],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error('the build failed (above)');
  }
  mkdirSync(out, { recursive: true });
  for (const entry of readdirSync(out))
    if (!KEEP.has(entry)) rmSync(path.join(out, entry), { recursive: true, force: true });
  for (const part of SHIPPED_DIST) {
    const from = path.join(root, 'dist', part);
    if (!existsSync(from)) throw new Error(`dist/${part} is missing: build first (npm run build)`);
    cpSync(from, path.join(out, 'dist', part), {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(path.join(root, 'dist'), src);
        return (
          !/\.(map|tsbuildinfo)$/.test(src) &&
          !NOT_SHIPPED.some((n) => rel === n || rel.startsWith(n + path.sep))
        );
      },
    });
  }
  cpSync(path.join(root, 'host.json'), path.join(out, 'host.json'));
  const manifest = deployManifest(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')));
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const lock = deployLock(JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')), manifest);
  writeFileSync(path.join(out, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  // .deploy/.funcignore is part of the repository; another --out gets a copy of it.
  const ignore = path.join(root, '.deploy', '.funcignore');
  if (path.resolve(out) !== path.dirname(ignore)) cpSync(ignore, path.join(out, '.funcignore'));
  return out;
}

if (isEntryPoint(import.meta.url))
  hook('stage-package', () => {
    const args = process.argv.slice(2);
    const out = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : undefined;
    console.log(`staged the deployment package in ${stage({ out, build: !args.includes('--no-build') })}`);
  });
