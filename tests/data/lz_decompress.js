// Reads a JSON array of strings on stdin and prints, for each, what lz-string recovers from
// it in each of its three string encodings (null where the encoding does not apply).
// Used by tests/realworld_oracle.py with the pinned npm package in scanner/testworld/npm.
"use strict";
const path = require("path");
const LZString = require(path.join(process.argv[2], "lz-string"));

function attempt(decode, value) {
  try {
    const out = decode(value);
    return typeof out === "string" && out.length > 0 ? out : null;
  } catch (error) {
    return null;
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((value) => [
    attempt(LZString.decompressFromBase64, value),
    attempt(LZString.decompressFromEncodedURIComponent, value),
    attempt(LZString.decompressFromUTF16, value),
  ]);
  process.stdout.write(JSON.stringify(results));
});
