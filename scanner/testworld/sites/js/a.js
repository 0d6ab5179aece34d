/* Demo analytics tag served from cdn.analytics.example/a.js.
 * Sets a two-year first-party id cookie, remembers the last visit in localStorage and
 * reports the page (full URL and title) to collect.analytics.example. */
(function () {
  "use strict";
  var script = document.currentScript;
  var port = script ? new URL(script.src).port : "";
  var collectOrigin = "https://collect.analytics.example" + (port ? ":" + port : "");

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
    }
    return null;
  }

  var cid = readCookie("_ae_cid");
  if (!cid) {
    cid = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
    document.cookie = "_ae_cid=" + cid + "; max-age=63072000; path=/";
  }
  try {
    localStorage.setItem("_ae_last_visit", String(Date.now()));
  } catch (e) {
    /* storage may be disabled */
  }
  new Image().src =
    collectOrigin +
    "/c?cid=" + encodeURIComponent(cid) +
    "&dl=" + encodeURIComponent(location.href) +
    "&dt=" + encodeURIComponent(document.title);
})();
