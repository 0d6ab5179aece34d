// Runs tough-cookie's parseDate (the npm package tough-cookie, installed by `make setup`
// under tests/references/node_modules) on cookie dates, for tests/test_cookie_dates.py.
//
//   node cookie_date_harness.mjs < dates.json
//       stdin: a JSON list of strings. stdout: a JSON list with, for each string, the
//       moment parseDate returns as milliseconds since the epoch (UTC), or null when it
//       returns no date.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "package.json"));
const { parseDate } = require("tough-cookie");

const dates = JSON.parse(readFileSync(0, "utf8"));
const moments = dates.map((text) => {
  const moment = parseDate(text);
  return moment === undefined ? null : moment.getTime();
});
process.stdout.write(JSON.stringify(moments));
