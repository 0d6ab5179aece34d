// Builds and decodes IAB GPP strings with @iabgpp/cmpapi (the IAB Tech Lab's GPP library,
// installed by `make setup` under tests/references/node_modules), for
// tests/test_consent_strings.py.
//
//   node gpp_harness.mjs generate SEED COUNT
//       stdout: a JSON list of COUNT cases, each {"gppString", "decoded", "tcfeuv2"}: a GPP
//       string the library encoded from seeded random choices (usnat in both versions,
//       with and without its GPC sub-section, uspv1, a tcfeuv2 section, other sections
//       left at their defaults), the library's own decoding of its header, usnat and
//       uspv1 sections, and the values given to its tcfeuv2 encoder (its decoder of that
//       section is not used: the values set are the reference).
//   node gpp_harness.mjs decode < strings.json
//       stdin: a JSON list of strings. stdout: for each, {"decoded": ...} or {"error": msg}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "package.json"));
const { GppModel, RangeEntry } = require("@iabgpp/cmpapi");

// mulberry32, as in tcf_harness.mjs: a seed always gives the same strings.
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (low, high) => low + Math.floor(next() * (high - low + 1));
  const chance = (p) => next() < p;
  const pick = (list) => list[int(0, list.length - 1)];
  return { int, chance, pick };
}

const range = (low, high) => Array.from({ length: Math.max(0, high - low + 1) }, (_, i) => low + i);

const USNAT_ANSWERS = [
  "SharingNotice", "SaleOptOutNotice", "SharingOptOutNotice",
  "TargetedAdvertisingOptOutNotice", "SensitiveDataProcessingOptOutNotice",
  "SensitiveDataLimitUseNotice", "SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut",
  "PersonalDataConsents", "MspaOptOutOptionMode", "MspaServiceProviderMode",
];
const USNAT_FIELDS = [
  "Version", ...USNAT_ANSWERS, "SensitiveDataProcessing", "KnownChildSensitiveDataConsents",
  "MspaCoveredTransaction",
];
const USPV1_FIELDS = ["Version", "Notice", "OptOutSale", "LspaCovered"];
const OTHER_SECTIONS = ["usca", "usva", "usco", "usut", "usct", "ustx", "usfl", "usde", "usri"];

// Vendor ids either sparse (the encoder picks a bit field) or in blocks (ranges).
function vendorIds(random) {
  const top = random.pick([0, 30, 400, 2500]);
  if (random.chance(0.5)) return range(1, top).filter(() => random.chance(0.3));
  const ids = [];
  let next = random.int(1, 50);
  while (next <= top) {
    const length = random.int(1, 80);
    ids.push(...range(next, Math.min(top, next + length - 1)));
    next += length + random.int(1, 300);
  }
  return ids;
}

function setTcfEuV2(model, random) {
  const bools = (count, p) => range(1, count).map(() => random.chance(p));
  const ids = (flags) => flags.flatMap((flag, index) => (flag ? [index + 1] : []));
  const created = new Date(Date.UTC(2020, 0, 1) + random.int(0, 2e9) * 100);
  const purposes = bools(24, 0.5);
  const legitimate = bools(24, 0.4);
  const vendors = vendorIds(random);
  const vendorsLegitimate = vendorIds(random);
  const restrictions = range(1, random.int(0, 3)).map(() => {
    const restricted = vendorIds(random).slice(0, 200);
    return new RangeEntry(random.int(1, 11), random.int(0, 2), restricted.length ? restricted : [7]);
  });
  const set = (field, value) => model.setFieldValue("tcfeuv2", field, value);
  set("CmpId", random.int(2, 4095));
  set("VendorListVersion", random.int(1, 4095));
  set("PurposeConsents", purposes);
  set("PurposeLegitimateInterests", legitimate);
  set("VendorConsents", vendors);
  set("VendorLegitimateInterests", vendorsLegitimate);
  set("PublisherRestrictions", restrictions);
  set("Created", created);
  // The encoder clears legitimate interest for purposes 1 and 3-6 (TCF 2.2 policy).
  const li = ids(legitimate).filter((purpose) => purpose === 2 || purpose > 6);
  return {
    created: created.getTime(),
    cmpId: model.getFieldValue("tcfeuv2", "CmpId"),
    vendorListVersion: model.getFieldValue("tcfeuv2", "VendorListVersion"),
    purposeConsents: ids(purposes),
    purposeLegitimateInterests: li,
    vendorConsents: vendors,
    vendorLegitimateInterests: vendorsLegitimate,
    publisherRestrictions: restrictions.map((entry) => ({
      purposeId: entry.getKey(), restrictionType: entry.getType(), vendors: entry.getIds(),
    })),
  };
}

function buildString(random) {
  const model = new GppModel();
  let tcfeuv2 = null;
  if (random.chance(0.8)) {
    const set = (field, value) => model.setFieldValue("usnat", field, value);
    set("Version", random.pick([1, 2]));
    for (const field of USNAT_ANSWERS) set(field, random.int(0, 2));
    set("SensitiveDataProcessing", range(1, 16).map(() => random.int(0, 2)));
    set("KnownChildSensitiveDataConsents", range(1, 3).map(() => random.int(0, 2)));
    set("MspaCoveredTransaction", random.int(1, 2));
    set("GpcSegmentIncluded", random.chance(0.5));
    set("Gpc", random.chance(0.5));
  }
  if (random.chance(0.6)) {
    for (const field of ["Notice", "OptOutSale", "LspaCovered"]) {
      model.setFieldValue("uspv1", field, random.pick(["Y", "N", "-"]));
    }
  }
  if (random.chance(0.3)) tcfeuv2 = setTcfEuV2(model, random);
  for (const name of OTHER_SECTIONS) {
    if (random.chance(0.15)) model.setFieldValue(name, "SaleOptOut", random.int(0, 2));
  }
  return { gppString: model.encode(), tcfeuv2 };
}

function decode(gppString) {
  const model = new GppModel(gppString);
  const fields = (section, names) => (model.hasSection(section)
    ? Object.fromEntries(names.map((name) => [name, model.getFieldValue(section, name)]))
    : null);
  const usnat = fields("usnat", USNAT_FIELDS);
  if (usnat) {
    usnat.Gpc = model.getFieldValue("usnat", "GpcSegmentIncluded")
      ? model.getFieldValue("usnat", "Gpc") : null;
  }
  return {
    sectionIds: model.getHeader().SectionIds,
    usnat,
    uspv1: fields("uspv1", USPV1_FIELDS),
  };
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "generate") {
  const random = generator(Number(rest[0]));
  const cases = range(1, Number(rest[1])).map(() => {
    const { gppString, tcfeuv2 } = buildString(random);
    return { gppString, decoded: decode(gppString), tcfeuv2 };
  });
  process.stdout.write(JSON.stringify(cases));
} else if (mode === "decode") {
  const strings = JSON.parse(readFileSync(0, "utf8"));
  process.stdout.write(JSON.stringify(strings.map((text) => {
    try {
      return { decoded: decode(text) };
    } catch (error) {
      return { error: String(error && error.message) };
    }
  })));
} else {
  process.stderr.write("usage: gpp_harness.mjs generate SEED COUNT | decode < strings.json\n");
  process.exit(2);
}
