/* global process, URL -- a Node script */
// Reads Stryker's JSON report and holds the mutation score to the project's thresholds (issue 17):
// at least 85% over shared/rules and shared/model together, at least 75% in every mutated file.
// Stryker's own `thresholds.break` covers only the overall score. Prints the per-file table.
import { readFileSync } from 'node:fs';

const OVERALL = 85;
const PER_FILE = 75;
const report = JSON.parse(
  readFileSync(new URL('../../reports/mutation/mutation.json', import.meta.url), 'utf8'),
);

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const score = (mutants) => {
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const valid = detected + mutants.filter((m) => UNDETECTED.has(m.status)).length;
  return { detected, valid, percent: valid === 0 ? 100 : (100 * detected) / valid };
};

const problems = [];
const core = [];
const rows = Object.entries(report.files)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([file, { mutants }]) => {
    const s = score(mutants);
    if (/^shared\/(rules|model)\//.test(file)) core.push(...mutants);
    if (s.percent < PER_FILE) problems.push(`${file}: ${s.percent.toFixed(2)}% is below ${PER_FILE}%`);
    return `${s.percent.toFixed(2).padStart(7)}%  ${String(s.detected).padStart(4)}/${String(s.valid).padEnd(4)}  ${file}`;
  });
const overall = score(core);
process.stdout.write(`Mutation score per file (detected/valid):\n${rows.join('\n')}\n`);
process.stdout.write(
  `shared/rules + shared/model: ${overall.percent.toFixed(2)}% (${overall.detected}/${overall.valid})\n`,
);
if (overall.percent < OVERALL)
  problems.push(`shared/rules + shared/model: ${overall.percent.toFixed(2)}% is below ${OVERALL}%`);
if (problems.length) {
  // The surviving mutants, one line each, so a developer sees what no test noticed.
  const survivors = Object.entries(report.files).flatMap(([file, { mutants, source }]) =>
    mutants
      .filter((m) => UNDETECTED.has(m.status))
      .map((m) => {
        const line = m.location.start.line;
        const code = source.split('\n')[line - 1].trim().slice(0, 100);
        return `  ${file}:${line} ${m.status} ${m.mutatorName}: ${code} => ${String(m.replacement ?? '').slice(0, 60)}`;
      }),
  );
  process.stderr.write(
    `Surviving mutants:\n${survivors.join('\n')}\nMutation score too low:\n${problems.join('\n')}\n`,
  );
  process.exit(1);
}
