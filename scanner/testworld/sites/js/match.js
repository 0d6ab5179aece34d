/* Demo fourth party served from sync.fourthparty.example/match.js: a cookie-matching pixel. */
(function () {
  "use strict";
  new Image().src = new URL("/pixel.gif?src=retarget", document.currentScript.src).href;
})();
