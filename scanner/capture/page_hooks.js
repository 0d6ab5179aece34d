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

  function makeEvent(kind, payload) {
    const stack = String(new Error().stack || "");
    return {
      kind, payload, stack, frameUrl: String(location.href), at: Date.now(),
      key: documentToken + ":" + (sequence++),
    };
  }

  function push(event) {
    if (attachBinding()) send(event);
    else {
      queue.push(event);
      if (!retrying) { retrying = true; retryAttach(5); }
    }
  }

  function report(kind, payload) {
    const event = makeEvent(kind, payload);
    if (log.length < 5000) log.push(event);
    push(event);
  }
  const pullExtras = []; // events made when the scanner pulls (the latest API-call counts)
  Object.defineProperty(window, bindingName + "_pull", {
    value: () => log.concat(pullExtras.map((extra) => extra()).filter(Boolean)),
    enumerable: false, configurable: false, writable: false,
  });

/*__API_PROBES__*/

  // Each hook is the original function behind a Proxy (probes.disguise): its toString,
  // name, length and property attributes stay those of the browser's own.
  const apply = Reflect.apply;
  function hook(original, before) {
    return probes.disguise(original, (target, thisArg, args) => {
      before(thisArg, args);
      return apply(target, thisArg, args);
    });
  }

  const cookieDescriptor = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (cookieDescriptor && cookieDescriptor.set) {
    cookieDescriptor.set = hook(cookieDescriptor.set, (_, args) => {
      report("cookie", { value: String(args[0]) });
    });
    Object.defineProperty(Document.prototype, "cookie", cookieDescriptor);
  }

  function storageArea(storage) {
    try {
      if (storage === window.localStorage) return "localStorage";
      if (storage === window.sessionStorage) return "sessionStorage";
    } catch (e) { /* storage may be blocked in third-party frames */ }
    return "unknown";
  }
  Storage.prototype.setItem = hook(Storage.prototype.setItem, (storage, args) => {
    report("storage", { area: storageArea(storage), op: "set", key: String(args[0]), value: String(args[1]) });
  });
  Storage.prototype.removeItem = hook(Storage.prototype.removeItem, (storage, args) => {
    report("storage", { area: storageArea(storage), op: "remove", key: String(args[0]), value: null });
  });

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
    src.set = hook(src.set, (_, args) => reportResource(args[0], tag));
    Object.defineProperty(proto, "src", src);
  }
  Element.prototype.setAttribute = hook(Element.prototype.setAttribute, (element, args) => {
    if (String(args[0]).toLowerCase() === "src") reportResource(args[1], element.localName);
  });
  Navigator.prototype.sendBeacon = hook(Navigator.prototype.sendBeacon, (_, args) => {
    reportResource(args[0], "beacon");
  });
  window.fetch = hook(window.fetch, (_, args) => {
    const input = args[0];
    reportResource(input instanceof Request ? input.url : input, "fetch");
  });
  XMLHttpRequest.prototype.open = hook(XMLHttpRequest.prototype.open, (_, args) => {
    reportResource(args[1], "xhr");
  });

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
