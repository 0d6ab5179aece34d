/* Legacy first-party script on static.shop.test, referenced over plain http (mixed content). */
window.legacyLoaded = true;
