/* Demo tag manager served from tags.tagmgr.example/tm.js.
 * Marks the session and injects the re-targeting script (a party the site never named). */
(function () {
  "use strict";
  var port = new URL(document.currentScript.src).port;
  var suffix = port ? ":" + port : "";
  try {
    sessionStorage.setItem("tm_loaded", "1");
  } catch (e) {
    /* storage may be disabled */
  }
  var tag = document.createElement("script");
  tag.async = true;
  tag.src = "https://cdn.retarget.example" + suffix + "/rt.js";
  document.head.appendChild(tag);
})();
