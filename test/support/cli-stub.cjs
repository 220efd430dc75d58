// A stand-in for `az` and `azd` in hook tests: answers from a plan and logs every call.
//   node cli-stub.cjs <tool> args...
// CLI_STUB_PLAN: JSON file [{ tool, when (regex over the joined args), status, stdout, stderr, times }]
// CLI_STUB_LOG: file each call is appended to, as one JSON line { tool, args, files }
// (`files`: for --file arguments, the length of what the file held when called: never its text).
const fs = require('node:fs');
const [tool, ...args] = process.argv.slice(2);
const files = {};
args.forEach((a, i) => {
  if (a === '--file' && args[i + 1])
    files[args[i + 1]] = fs.existsSync(args[i + 1]) ? fs.readFileSync(args[i + 1]).length : -1;
});
fs.appendFileSync(process.env.CLI_STUB_LOG, `${JSON.stringify({ tool, args, files })}\n`);
const planFile = process.env.CLI_STUB_PLAN;
const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
const joined = args.join(' ');
const index = plan.findIndex((r) => r.tool === tool && new RegExp(r.when).test(joined) && (r.times ?? 1) > 0);
if (index < 0) {
  process.stderr.write(`cli-stub: no answer planned for ${tool} ${joined}\n`);
  process.exit(97);
}
const rule = plan[index];
if (rule.times !== undefined) {
  rule.times -= 1;
  fs.writeFileSync(planFile, JSON.stringify(plan));
}
if (rule.stdout) process.stdout.write(rule.stdout);
if (rule.stderr) process.stderr.write(rule.stderr);
process.exit(rule.status ?? 0);
