// Prints what Spectral and Redocly CLI found in their JSON results (scripts/openapi.sh lint): one line per problem, then
// one line per linter, "<linter>: N errors, N warnings", and exits 1 when either found an error.
import { readFileSync } from "node:fs";

const [spectralFile, redoclyFile] = process.argv.slice(2);
const spectral = JSON.parse(readFileSync(spectralFile, "utf8"));
const redocly = JSON.parse(readFileSync(redoclyFile, "utf8"));

// Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
const spectralLevels = ["error", "warning", "info", "hint"];
const spectralProblems = spectral.map((p) => ({
  level: spectralLevels[p.severity] ?? String(p.severity),
  rule: p.code,
  where: "#/" + p.path.map((s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1")).join("/"),
  line: p.range?.start?.line + 1,
  message: p.message,
}));
const redoclyProblems = redocly.problems.map((p) => ({
  level: p.severity === "warn" ? "warning" : p.severity,
  rule: p.ruleId,
  where: p.location?.[0]?.pointer ?? "",
  line: p.location?.[0]?.start?.line,
  message: p.message,
}));

function report(linter, problems, errors, warnings) {
  for (const p of problems) console.log(`${linter} ${p.level} ${p.rule} ${p.where} (line ${p.line}): ${p.message}`);
  console.log(`${linter}: ${errors} errors, ${warnings} warnings`);
  return errors;
}

const count = (problems, level) => problems.filter((p) => p.level === level).length;
const errors =
  report("spectral", spectralProblems, count(spectralProblems, "error"), count(spectralProblems, "warning")) +
  report("redocly", redoclyProblems, redocly.totals.errors, redocly.totals.warnings);
process.exit(errors > 0 ? 1 : 0);
