/* Demo social widget served from widgets.social.example/widget.js, inside a cross-site iframe. */
try {
  localStorage.setItem("sw_seen", "1");
} catch (e) {
  /* third-party storage may be blocked or partitioned */
}
