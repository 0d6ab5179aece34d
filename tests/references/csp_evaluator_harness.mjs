// Runs Google CSP Evaluator (the npm package csp_evaluator, installed by `make setup` under
// tests/references/node_modules) on policies, for tests/test_csp_evaluator_parity.py.
//
//   node csp_evaluator_harness.mjs < policies.json
//       stdin: a JSON list of serialized policies (strings). stdout: a JSON list with, for
//       each policy, {"findings": [...], "error": null} or {"findings": [], "error": "..."}
//       when the reference throws on it. A finding is {check, type, directive, value,
//       severity}: type and severity by their names in the package's enums; check says
//       which set produced it ("effective": the default checks, run on the policy as a
//       CSP3 browser sees it; "strict": the strict-CSP checks, on the policy as written;
//       "reporting": the Lighthouse reporting check; "ignored": the notes the package
//       makes while computing the effective policy).
//
//   node csp_evaluator_harness.mjs --test-policies
//       prints every policy the package's own test files (dist/**/*_test.js) hand to its
//       parser, as a JSON list of {test, policy}: the test files run against stubbed
//       test functions and a recording parser, so nothing is copied by hand.
import Module, { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "package.json"));
const dist = join(dirname(require.resolve("csp_evaluator/package.json")), "dist");
const { CspParser } = require(join(dist, "parser.js"));
const { CspEvaluator, DEFAULT_CHECKS, STRICTCSP_CHECKS } = require(join(dist, "evaluator.js"));
const { Version } = require(join(dist, "csp.js"));
const { Type, Severity } = require(join(dist, "finding.js"));
const { checkHasConfiguredReporting } = require(join(dist, "checks", "security_checks.js"));

function describe(check, finding) {
  return {
    check,
    type: Type[finding.type],
    directive: finding.directive,
    value: finding.value ?? null,
    severity: Severity[finding.severity],
  };
}

function evaluate(policy) {
  try {
    const parsed = new CspParser(policy).csp;
    const ignored = [];
    parsed.getEffectiveCsp(Version.CSP3, ignored);
    const strict = STRICTCSP_CHECKS.flatMap((check) => check(parsed));
    const effective = new CspEvaluator(parsed, Version.CSP3)
      .evaluate([], DEFAULT_CHECKS)
      .filter((finding) => finding.type !== Type.IGNORED);
    const findings = [
      ...effective.map((f) => describe("effective", f)),
      ...strict.map((f) => describe("strict", f)),
      ...checkHasConfiguredReporting(parsed).map((f) => describe("reporting", f)),
      ...ignored.map((f) => describe("ignored", f)),
    ];
    return { findings, error: null };
  } catch (error) {
    return { findings: [], error: String(error) };
  }
}

function testFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith("_test.js") ? [path] : [];
  });
}

function testPolicies() {
  const seen = [];
  let current = "";
  const parse = CspParser.prototype.parse;
  CspParser.prototype.parse = function recordingParse(policy) {
    seen.push({ test: current, policy });
    return parse.call(this, policy);
  };
  const anything = new Proxy(() => anything, { get: () => anything, apply: () => anything });
  globalThis.describe = (_name, body) => body();
  globalThis.it = (name, body) => {
    current = name;
    try {
      body();
    } catch {
      // Assertions are stubbed; a test that fails on the stubs has still parsed its policy.
    }
  };
  globalThis.expect = () => anything;
  globalThis.beforeEach = globalThis.afterEach = () => {};
  // The test files import the jasmine runner only for its globals, stubbed above.
  const load = Module._load;
  Module._load = (request, ...rest) => (request === "jasmine" ? {} : load(request, ...rest));
  for (const file of testFiles(dist)) {
    const relative = file.slice(dist.length + 1);
    const before = seen.length;
    require(file);
    for (const entry of seen.slice(before)) entry.test = `${relative}: ${entry.test}`;
  }
  return seen;
}

if (process.argv.includes("--test-policies")) {
  process.stdout.write(JSON.stringify(testPolicies(), null, 1));
} else {
  const policies = JSON.parse(readFileSync(0, "utf8"));
  process.stdout.write(JSON.stringify(policies.map(evaluate)));
}
