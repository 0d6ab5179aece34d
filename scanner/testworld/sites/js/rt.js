/* Demo re-targeter served from cdn.retarget.example/rt.js (injected by the tag manager).
 * Syncs its cookie, pulls in a fourth party and, when the page goes away, beacons the
 * customer's e-mail address (if the page shows one) to px.retarget.example/unload. */
(function () {
  "use strict";
  var port = new URL(document.currentScript.src).port;
  var suffix = port ? ":" + port : "";
  var pixelOrigin = "https://px.retarget.example" + suffix;

  new Image().src = pixelOrigin + "/sync?partner=tagmgr";

  var match = document.createElement("script");
  match.src = "https://sync.fourthparty.example" + suffix + "/match.js";
  document.head.appendChild(match);

  function customerEmail() {
    var element = document.querySelector("[data-customer-email]");
    return element ? element.getAttribute("data-customer-email") : null;
  }

  var sent = false;
  function sendUnloadBeacon() {
    if (sent) return;
    sent = true;
    navigator.sendBeacon(
      pixelOrigin + "/unload",
      JSON.stringify({ email: customerEmail(), page: location.href, ts: Date.now() })
    );
  }

  window.addEventListener("pagehide", sendUnloadBeacon);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") sendUnloadBeacon();
  });
})();
