// Make the document believe the visitor is leaving, so that beacons sent on
// visibilitychange / pagehide / unload are sent while the scanner still listens.
() => {
  try {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  } catch (e) { /* a page may have frozen these: dispatch anyway */ }
  document.dispatchEvent(new Event("visibilitychange"));
  window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
  window.dispatchEvent(new Event("unload"));
}
