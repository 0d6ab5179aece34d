/* Demo recommendations served (slowly) from api.slowvendor.example/recs.js. */
window.recs = [];
