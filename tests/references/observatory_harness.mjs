// Oracle harness: runs the MDN HTTP Observatory's own analyzer tests and grader on cases
// given as JSON, so tests/test_observatory_parity.py can compare the scanner's grading.
//
// stdin: a JSON list of cases; stdout: a JSON list of {id, tests, score, grade}.
// A case describes what the Observatory's retriever would have collected for a host:
//   hostname, https / http ({url, status, headers: [[name, value]...], verified}) or null,
//   http_redirects ([{url, status}...]), cors ({headers, origin}) or null,
//   set_cookies ([{url, lines: [...]}...]): the Set-Cookie lines the session's jar saw,
//   html: the body of the graded response.
// The HSTS preload list comes from the JSON file named by OBSERVATORY_HSTS_PRELOAD_JSON
// (the package's own postinstall download cannot run offline).

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "node_modules", "@mdn", "mdn-http-observatory");
const preloadFile = process.env.OBSERVATORY_HSTS_PRELOAD_JSON;
if (!preloadFile) {
  throw new Error("OBSERVATORY_HSTS_PRELOAD_JSON is not set");
}

// The reference reads conf/hsts-preload.json next to its sources; hand it ours instead.
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  if (String(file).endsWith(path.join("conf", "hsts-preload.json"))) {
    return readFileSync.call(fs, preloadFile, ...rest);
  }
  return readFileSync.call(fs, file, ...rest);
};

const load = (relative) => import(path.join(root, "src", relative));
const { AxiosHeaders } = await import("axios");
const { Requests, HTML_TYPES } = await load("types.js");
const { Session } = await load("retriever/session.js");
const { parseHttpEquivHeaders } = await load("retriever/utils.js");
const { getScoreModifier, getGradeForScore } = await load("grader/grader.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");
const { ALL_TESTS } = await load("constants.js");
// The cookie library of the reference itself (not the newer one installed beside it).
const { Cookie } = createRequire(path.join(root, "package.json"))("tough-cookie");

// Node.js keeps the first of these when repeated; Set-Cookie stays a list; others join.
const SINGLE_VALUE = new Set([
  "age", "authorization", "content-length", "content-type", "etag", "expires", "from",
  "host", "if-modified-since", "if-unmodified-since", "last-modified", "location",
  "max-forwards", "proxy-authorization", "referer", "retry-after", "server", "user-agent",
]);

function nodeHeaders(pairs) {
  const grouped = new Map();
  for (const [name, value] of pairs) {
    const key = name.trim().toLowerCase();
    if (!grouped.has(key)) grouped.set(key, []);
    grouped.get(key).push(...String(value).split("\n").map((v) => v.replace(/\r$/, "")));
  }
  const headers = new AxiosHeaders();
  for (const [key, values] of grouped) {
    if (key === "set-cookie") headers[key] = values;
    else if (SINGLE_VALUE.has(key)) headers[key] = values[0];
    else headers[key] = values.join(", ");
  }
  return headers;
}

function response(spec) {
  if (!spec) return null;
  return {
    headers: nodeHeaders(spec.headers ?? []),
    request: { headers: new AxiosHeaders() },
    status: spec.status ?? 200,
    statusText: "",
    verified: spec.verified ?? true,
    data: "",
    config: { headers: new AxiosHeaders() },
  };
}

function requestsFor(c) {
  const req = new Requests(c.hostname);
  req.responses.https = response(c.https);
  req.responses.http = response(c.http);
  req.responses.auto = req.responses.https ?? req.responses.http;
  req.responses.httpRedirects = (c.http_redirects ?? []).map((hop) => ({
    url: new URL(hop.url),
    status: hop.status,
  }));
  req.responses.httpsRedirects = [];
  if (c.cors) {
    req.responses.cors = response({ headers: c.cors.headers });
    if (c.cors.origin) req.responses.cors.request.headers["origin"] = c.cors.origin;
  }
  const scheme = c.https ? "https" : "http";
  req.session = new Session(new URL(`${scheme}://${c.hostname}/`));
  for (const write of c.set_cookies ?? []) {
    for (const line of write.lines) {
      const cookie = Cookie.parse(line);
      if (!cookie) continue;
      try {
        req.session.jar.setCookieSync(cookie, write.url, { http: true });
      } catch {
        // the jar refuses it (another domain...), as the retriever's agent would
      }
    }
  }
  req.resources.path = c.html ?? null;
  const auto = req.responses.auto;
  if (auto) {
    const type = auto.headers["content-type"]?.split(";")[0];
    auto.httpEquiv =
      HTML_TYPES.has(type) && req.resources.path
        ? parseHttpEquivHeaders(req.resources.path, req.session.url.href)
        : new Map();
  }
  return req;
}

function grade(c) {
  const req = requestsFor(c);
  const tests = {};
  let withBonus = 100;
  let withoutBonus = 100;
  for (const test of ALL_TESTS) {
    const out = test(req);
    const modifier = out.result ? getScoreModifier(out.result) : 0;
    tests[out.constructor.name] = { result: out.result, pass: out.pass, modifier };
    withBonus += modifier;
    if (modifier < 0) withoutBonus += modifier;
  }
  const raw = withoutBonus >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withBonus : withoutBonus;
  const { score, grade } = getGradeForScore(raw);
  return { id: c.id, tests, score, grade };
}

const input = readFileSync.call(fs, 0, "utf8");
const cases = JSON.parse(input);
// Silence the reference's own console noise (parse errors are reported through results).
console.error = () => {};
process.stdout.write(JSON.stringify(cases.map(grade)));
