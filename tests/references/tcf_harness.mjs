// Builds and decodes IAB TCF v2 TC strings with @iabtcf/core (the IAB Tech Lab's reference
// library, installed by `make setup` under tests/references/node_modules), for
// tests/test_consent_strings.py.
//
//   node tcf_harness.mjs generate SEED COUNT
//       stdout: a JSON list of COUNT cases, each {"tcString", "decoded"}: a TC string the
//       library encoded from seeded random choices (a synthetic vendor list, purposes,
//       vendors dense and sparse so that both vendor encodings occur, legitimate
//       interests, special features, publisher restrictions, the optional segments), and
//       the library's own decoding of that string.
//   node tcf_harness.mjs decode < strings.json
//       stdin: a JSON list of strings. stdout: for each, {"decoded": ...} or {"error": msg}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "package.json"));
const {
  GVL, TCModel, TCString, PurposeRestriction, Segment, Base64Url, SegmentIDs,
} = require("@iabtcf/core");

// mulberry32: a small seeded generator, so that a seed always gives the same strings.
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
  const subset = (list, p) => list.filter(() => chance(p));
  return { int, chance, pick, subset };
}

const LANGUAGES = ["EN", "FR", "DE", "PT", "ZH", "ES", "SV"];
const range = (low, high) => Array.from({ length: Math.max(0, high - low + 1) }, (_, i) => low + i);

// Vendor ids of one of four shapes: sparse (bitfield), blocks (range), all, none.
function vendorIds(random, ids) {
  const shape = random.pick(["sparse", "blocks", "all", "none", "few"]);
  if (shape === "sparse") return random.subset(ids, random.pick([0.1, 0.5, 0.9]));
  if (shape === "all") return ids;
  if (shape === "none") return [];
  if (shape === "few") return random.subset(ids, 0.02);
  const chosen = [];
  let index = 0;
  while (index < ids.length) {
    const length = random.int(1, 60);
    if (random.chance(0.4)) chosen.push(...ids.slice(index, index + length));
    index += length + random.int(0, 200);
  }
  return chosen;
}

function syntheticVendorList(random) {
  const purposes = {};
  for (const id of range(1, 11)) purposes[id] = { id, name: `Purpose ${id}`, description: "" };
  const maxVendor = random.pick([0, 5, 40, 300, 1200, 3000]);
  const vendors = {};
  for (const id of range(1, maxVendor)) {
    if (random.chance(0.15)) continue; // gaps in the list, as in the real one
    const consent = random.subset(range(1, 11), 0.5);
    const legitimate = random.subset(range(2, 11).filter((p) => !consent.includes(p)), 0.3);
    vendors[id] = {
      id,
      name: `Vendor ${id}`,
      purposes: consent,
      legIntPurposes: legitimate,
      flexiblePurposes: random.chance(0.5) ? random.subset([...consent, ...legitimate], 0.5) : [],
      specialPurposes: random.chance(0.3) ? [1] : [],
      features: [],
      specialFeatures: [],
      policyUrl: "https://vendor.example/privacy",
    };
  }
  return {
    gvlSpecificationVersion: 3,
    vendorListVersion: random.int(1, 4095),
    tcfPolicyVersion: random.pick([2, 4, 5]),
    lastUpdated: "2024-05-01T00:00:00Z",
    purposes,
    specialPurposes: { 1: { id: 1, name: "Special purpose 1", description: "" } },
    features: { 1: { id: 1, name: "Feature 1", description: "" } },
    specialFeatures: { 1: { id: 1, name: "Special feature 1", description: "" } },
    stacks: {},
    vendors,
  };
}

function buildString(random) {
  const list = syntheticVendorList(random);
  const gvl = new GVL(list);
  // The consent language is the vendor list translation's. Seed the library's translation
  // cache with the synthetic texts, so that changing language reads no file.
  const language = random.pick(LANGUAGES);
  if (!GVL.LANGUAGE_CACHE.has(language)) {
    const { purposes, specialPurposes, features, specialFeatures, stacks } = list;
    GVL.LANGUAGE_CACHE.set(language, { purposes, specialPurposes, features, specialFeatures, stacks });
  }
  gvl.changeLanguage(language);
  const model = new TCModel(gvl);
  model.cmpId = random.int(2, 4095); // the library refuses ids 0 and 1
  model.cmpVersion = random.int(0, 4095);
  model.consentScreen = random.int(0, 63);
  model.isServiceSpecific = random.chance(0.5);
  model.useNonStandardStacks = random.chance(0.3);
  model.purposeOneTreatment = random.chance(0.2);
  model.publisherCountryCode = random.pick(["AA", "DE", "FR", "GB", "ZZ"]);
  model.supportOOB = random.chance(0.7);
  const created = Date.UTC(2019, 0, 1) + random.int(0, 2e9) * 100;
  model.created = new Date(created);
  model.lastUpdated = new Date(created + random.int(0, 1e9) * 100);
  model.specialFeatureOptins.set(random.subset(range(1, 12), 0.5));
  model.purposeConsents.set(random.subset(range(1, 24), 0.5));
  model.purposeLegitimateInterests.set(random.subset(range(1, 24), 0.4));
  const ids = gvl.vendorIds ? [...gvl.vendorIds] : [];
  model.vendorConsents.set(vendorIds(random, ids));
  model.vendorLegitimateInterests.set(vendorIds(random, ids));
  model.vendorsAllowed.set(vendorIds(random, ids));
  model.publisherConsents.set(random.subset(range(1, 24), 0.5));
  model.publisherLegitimateInterests.set(random.subset(range(1, 24), 0.3));
  const custom = random.int(0, random.pick([0, 3, 63]));
  if (custom > 0) {
    model.numCustomPurposes = custom;
    model.publisherCustomConsents.set(random.subset(range(1, custom), 0.5));
    model.publisherCustomLegitimateInterests.set(random.subset(range(1, custom), 0.5));
  }
  const restrictions = random.int(0, random.pick([0, 2, 12]));
  for (let i = 0; i < restrictions; i++) {
    const restriction = new PurposeRestriction(random.int(1, 11), random.int(0, 2));
    for (const vendor of vendorIds(random, ids)) {
      model.publisherRestrictions.add(vendor, restriction);
    }
  }
  const segmentChoice = random.int(0, 3);
  const options = { isForVendors: random.chance(0.5) };
  if (segmentChoice === 3) {
    options.segments = [Segment.CORE, ...random.subset(
      [Segment.VENDORS_DISCLOSED, Segment.VENDORS_ALLOWED, Segment.PUBLISHER_TC], 0.5)];
  }
  return TCString.encode(model, options);
}

const vector = (value) => {
  const ids = [];
  value.forEach((set, id) => { if (set) ids.push(id); });
  return ids;
};

function decode(tcString) {
  const model = TCString.decode(tcString);
  const segments = tcString.split(".").map((part) => {
    const type = parseInt(Base64Url.decode(part.charAt(0)).substr(0, 3), 2);
    return SegmentIDs.ID_TO_KEY[type];
  });
  const restrictions = model.publisherRestrictions.getRestrictions().map((restriction) => ({
    purposeId: restriction.purposeId,
    restrictionType: restriction.restrictionType,
    vendors: model.publisherRestrictions.getVendors(restriction),
  }));
  const has = (segment) => segments.includes(segment);
  // Which encoding each vendor set uses: the bit after its 16-bit MaxVendorId, the first
  // set starting after the core's 213 bits of fixed fields.
  const core = Base64Url.decode(tcString.split(".")[0]);
  const encoding = (start) => (core.charAt(start + 16) === "1" ? "range" : "bitfield");
  const encodings = {
    vendorConsents: encoding(213),
    vendorLegitimateInterests: encoding(213 + model.vendorConsents.bitLength),
  };
  return {
    segments,
    encodings,
    version: model.version,
    created: model.created.getTime(),
    lastUpdated: model.lastUpdated.getTime(),
    cmpId: model.cmpId,
    cmpVersion: model.cmpVersion,
    consentScreen: model.consentScreen,
    consentLanguage: model.consentLanguage,
    vendorListVersion: model.vendorListVersion,
    policyVersion: model.policyVersion,
    isServiceSpecific: model.isServiceSpecific,
    useNonStandardStacks: model.useNonStandardStacks,
    specialFeatureOptins: vector(model.specialFeatureOptins),
    purposeConsents: vector(model.purposeConsents),
    purposeLegitimateInterests: vector(model.purposeLegitimateInterests),
    purposeOneTreatment: model.purposeOneTreatment,
    publisherCountryCode: model.publisherCountryCode,
    vendorConsents: vector(model.vendorConsents),
    vendorLegitimateInterests: vector(model.vendorLegitimateInterests),
    publisherRestrictions: restrictions,
    vendorsDisclosed: has(Segment.VENDORS_DISCLOSED) ? vector(model.vendorsDisclosed) : null,
    vendorsAllowed: has(Segment.VENDORS_ALLOWED) ? vector(model.vendorsAllowed) : null,
    publisherTC: has(Segment.PUBLISHER_TC) ? {
      publisherConsents: vector(model.publisherConsents),
      publisherLegitimateInterests: vector(model.publisherLegitimateInterests),
      numCustomPurposes: model.numCustomPurposes,
      publisherCustomConsents: vector(model.publisherCustomConsents),
      publisherCustomLegitimateInterests: vector(model.publisherCustomLegitimateInterests),
    } : null,
  };
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "generate") {
  const random = generator(Number(rest[0]));
  const cases = range(1, Number(rest[1])).map(() => {
    const tcString = buildString(random);
    return { tcString, decoded: decode(tcString) };
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
  process.stderr.write("usage: tcf_harness.mjs generate SEED COUNT | decode < strings.json\n");
  process.exit(2);
}
