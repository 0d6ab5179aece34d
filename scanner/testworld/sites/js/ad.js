/* Demo ad network tag served from ads.adnet.example/ad.js: shows one creative after itself. */
(function () {
  "use strict";
  var script = document.currentScript;
  var creative = document.createElement("img");
  creative.src = new URL("/creative.png", script.src).href;
  creative.alt = "ad";
  if (script && script.parentNode) {
    script.parentNode.insertBefore(creative, script.nextSibling);
  } else {
    document.body.appendChild(creative);
  }
})();
