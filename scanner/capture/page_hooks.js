// Installed in every frame before any page script runs. Reports to the scanner,
// through a Playwright binding whose name is substituted below, what the page's own
// scripts do that the network log cannot show: cookies written from script, storage
// writes and Content-Security-Policy violations. Each report carries the JavaScript
// stack so that the scanner can name the script responsible.
(() => {
  const bindingName = "__BINDING_NAME__";
  const queue = [];
  const log = []; // every report, for the scanner to pull if a pushed one got lost
  const documentToken = Math.random().toString(36).slice(2);
  let sequence = 0;
  let send = null;
  let retrying = false;

  function attachBinding() {
    if (send) return true;
    const binding = window[bindingName];
    if (typeof binding !== "function") return false;
    send = binding;
    try { delete window[bindingName]; } catch (e) { /* keep going */ }
    while (queue.length) send(queue.shift());
    return true;
  }

  function retryAttach(delay) {
    setTimeout(() => {
      if (attachBinding() || delay > 2000) retrying = false;
      else retryAttach(delay * 2);
    }, delay);
  }

  function report(kind, payload) {
    const stack = String(new Error().stack || "");
    const event = {
      kind, payload, stack, frameUrl: String(location.href), at: Date.now(),
      key: documentToken + ":" + (sequence++),
    };
    if (log.length < 5000) log.push(event);
    if (attachBinding()) send(event);
    else {
      queue.push(event);
      if (!retrying) { retrying = true; retryAttach(5); }
    }
  }
  Object.defineProperty(window, bindingName + "_pull", {
    value: () => log.slice(), enumerable: false, configurable: false, writable: false,
  });

  const cookieDescriptor = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (cookieDescriptor && cookieDescriptor.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true,
      enumerable: cookieDescriptor.enumerable,
      get() { return cookieDescriptor.get.call(this); },
      set(value) {
        report("cookie", { value: String(value) });
        return cookieDescriptor.set.call(this, value);
      },
    });
  }

  function storageArea(storage) {
    try {
      if (storage === window.localStorage) return "localStorage";
      if (storage === window.sessionStorage) return "sessionStorage";
    } catch (e) { /* storage may be blocked in third-party frames */ }
    return "unknown";
  }
  const originalSetItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    report("storage", { area: storageArea(this), op: "set", key: String(key), value: String(value) });
    return originalSetItem.call(this, key, value);
  };
  const originalRemoveItem = Storage.prototype.removeItem;
  Storage.prototype.removeItem = function (key) {
    report("storage", { area: storageArea(this), op: "remove", key: String(key), value: null });
    return originalRemoveItem.call(this, key);
  };

  // DevTools calls a request "parser"-initiated when a script running during parsing
  // creates the element; these reports name the script that really asked for the URL.
  function reportResource(url, tag) {
    try { report("resource", { url: new URL(String(url), location.href).href, tag }); }
    catch (e) { /* an unparsable URL loads nothing */ }
  }
  for (const [proto, tag] of [
    [HTMLImageElement.prototype, "img"],
    [HTMLScriptElement.prototype, "script"],
    [HTMLIFrameElement.prototype, "iframe"],
  ]) {
    const src = Object.getOwnPropertyDescriptor(proto, "src");
    if (!src || !src.set) continue;
    Object.defineProperty(proto, "src", {
      configurable: true,
      enumerable: src.enumerable,
      get() { return src.get.call(this); },
      set(value) { reportResource(value, tag); return src.set.call(this, value); },
    });
  }
  const originalSetAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "src") reportResource(value, this.localName);
    return originalSetAttribute.call(this, name, value);
  };
  const originalBeacon = Navigator.prototype.sendBeacon;
  Navigator.prototype.sendBeacon = function (url, data) {
    reportResource(url, "beacon");
    return originalBeacon.call(this, url, data);
  };
  const originalFetch = window.fetch;
  window.fetch = function (input, init) {
    reportResource(input instanceof Request ? input.url : input, "fetch");
    return originalFetch.call(this, input, init);
  };
  const originalOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    reportResource(url, "xhr");
    return originalOpen.call(this, method, url, ...rest);
  };

  document.addEventListener("securitypolicyviolation", (event) => {
    if (!event.isTrusted) return; // a page can dispatch a forged one; only the browser's count
    report("csp-violation", {
      blockedURI: event.blockedURI,
      violatedDirective: event.violatedDirective,
      effectiveDirective: event.effectiveDirective,
      originalPolicy: event.originalPolicy,
      disposition: event.disposition,
      sourceFile: event.sourceFile,
      lineNumber: event.lineNumber,
      sample: event.sample,
      documentURI: event.documentURI,
    });
  }, true);
})();
