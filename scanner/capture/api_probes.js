  // -- Fingerprinting-relevant browser APIs, counted per calling script --------------
  // Inserted into page_hooks.js, inside its function: `report`, `makeEvent`, `push`,
  // `pullExtras` and `documentToken` are its. Every instrumented function is replaced by
  // a Proxy of the original (same name, length, no prototype, not a constructor) and
  // Function.prototype.toString answers for the proxy what it answers for the original,
  // so the usual checks (toString, property descriptors) see native code. Calls are
  // aggregated here, per (calling script, API), with bounded argument values and
  // samples, and sent as one cumulative snapshot per document: a debounced push, another
  // on pagehide, and one more when the scanner pulls. Everything the page could have
  // replaced after this ran (Map, Reflect, Error, RegExp.prototype.exec...) is captured
  // now and called as captured.
  const probes = (() => {
    const apply = Reflect.apply;
    const getDesc = Object.getOwnPropertyDescriptor;
    const defineProp = Object.defineProperty;
    const ProxyC = Proxy;
    const MapC = Map;
    const SetC = Set;
    const WeakMapC = WeakMap;
    const ErrorC = Error;
    const isArray = Array.isArray;
    const mapGet = Map.prototype.get;
    const mapSet = Map.prototype.set;
    const mapHas = Map.prototype.has;
    const mapForEach = Map.prototype.forEach;
    const mapSize = getDesc(Map.prototype, "size").get;
    const setAdd = Set.prototype.add;
    const setSize = getDesc(Set.prototype, "size").get;
    const weakGet = WeakMap.prototype.get;
    const weakSet = WeakMap.prototype.set;
    const reExec = RegExp.prototype.exec;
    const strSlice = String.prototype.slice;
    const setTimer = window.setTimeout;
    const addListener = EventTarget.prototype.addEventListener;
    const stackUrl = /(?:https?|file):\/\/[^\s()]+?(?=:\d+:\d+)/;

    const MAX_CALLS = 20000; // attributed calls per document; later ones are counted by API only
    const MAX_ENTRIES = 300; // (script, API) pairs per document
    const MAX_VALUES = 64; // distinct argument values kept per pair
    const MAX_SAMPLES = 8; // distinct canvas-read samples kept per pair
    const MAX_TEXT = 100; // characters kept of a value
    const MAX_CHARS = 64; // distinct characters counted per canvas
    const MAX_COLOURS = 16; // distinct text colours counted per canvas

    const entries = new MapC();
    const overflow = new MapC();
    let total = 0;
    let version = 0;
    let pending = false;
    let busy = false;

    const originals = new WeakMapC(); // proxy -> the function it stands for
    const nativeToString = Function.prototype.toString;
    const toStringProxy = new ProxyC(nativeToString, {
      apply(target, thisArg, args) {
        const original = typeof thisArg === "function" ? apply(weakGet, originals, [thisArg]) : undefined;
        return apply(target, original === undefined ? thisArg : original, args);
      },
    });
    apply(weakSet, originals, [toStringProxy, nativeToString]);
    Function.prototype.toString = toStringProxy;

    function disguise(original, trap) {
      const proxy = new ProxyC(original, { apply: trap });
      apply(weakSet, originals, [proxy, original]);
      return proxy;
    }

    function cut(value) {
      return apply(strSlice, value, [0, MAX_TEXT]);
    }

    function callerScript() {
      // the page's own stack formatter (if it set one) must not see these stacks
      const limit = ErrorC.stackTraceLimit;
      const prepare = ErrorC.prepareStackTrace;
      ErrorC.stackTraceLimit = 12;
      if (prepare !== undefined) ErrorC.prepareStackTrace = undefined;
      let stack = "";
      try { stack = new ErrorC().stack; } catch (e) { /* keep going */ }
      ErrorC.stackTraceLimit = limit;
      if (prepare !== undefined) ErrorC.prepareStackTrace = prepare;
      if (typeof stack !== "string") return null;
      const found = apply(reExec, stackUrl, [stack]);
      return found ? cut(found[0]) : null;
    }

    function schedule() {
      version++;
      if (pending) return;
      pending = true;
      apply(setTimer, window, [flush, 500]);
    }

    function flush() {
      pending = false;
      push(makeEvent("api-calls", snapshot()));
    }

    function snapshot() {
      const calls = [];
      apply(mapForEach, entries, [(entry) => {
        const samples = [];
        apply(mapForEach, entry.samples, [(sample) => { samples[samples.length] = sample; }]);
        const values = [];
        apply(mapForEach, entry.values, [(_, value) => { values[values.length] = value; }]);
        calls[calls.length] = {
          script: entry.script, api: entry.api, count: entry.count,
          values, valuesDropped: entry.valuesDropped,
          samples, samplesDropped: entry.samplesDropped,
        };
      }]);
      const over = {};
      apply(mapForEach, overflow, [(count, api) => { over[api] = count; }]);
      return { doc: documentToken, version, calls, overflow: over };
    }

    function countOverflow(api) {
      apply(mapSet, overflow, [api, (apply(mapGet, overflow, [api]) || 0) + 1]);
    }

    function note(api, detail, thisArg, args) {
      total++;
      schedule();
      if (total > MAX_CALLS) { countOverflow(api); return; }
      const script = callerScript();
      const key = script + "\u0000" + api;
      let entry = apply(mapGet, entries, [key]);
      if (entry === undefined) {
        if (apply(mapSize, entries, []) >= MAX_ENTRIES) { countOverflow(api); return; }
        entry = {
          script, api, count: 0,
          values: new MapC(), valuesDropped: 0, samples: new MapC(), samplesDropped: 0,
        };
        apply(mapSet, entries, [key, entry]);
      }
      entry.count++;
      if (detail === undefined) return;
      const seen = detail(thisArg, args);
      if (seen === undefined) return;
      if (typeof seen === "string") addValue(entry, seen);
      else if (isArray(seen)) for (let i = 0; i < seen.length && i < 20; i++) addValue(entry, seen[i]);
      else addSample(entry, seen);
    }

    function addValue(entry, value) {
      if (apply(mapHas, entry.values, [value])) return;
      if (apply(mapSize, entry.values, []) >= MAX_VALUES) entry.valuesDropped++;
      else apply(mapSet, entry.values, [value, true]);
    }

    function addSample(entry, sample) {
      const key = sample.width + "|" + sample.height + "|" + sample.areaWidth + "|" +
        sample.areaHeight + "|" + sample.type + "|" + sample.quality + "|" + sample.textChars +
        "|" + sample.textColours + "|" + sample.inDocument;
      const known = apply(mapGet, entry.samples, [key]);
      if (known !== undefined) known.count++;
      else if (apply(mapSize, entry.samples, []) >= MAX_SAMPLES) entry.samplesDropped++;
      else apply(mapSet, entry.samples, [key, sample]);
    }

    function recordingTrap(api, detail) {
      return function (target, thisArg, args) {
        if (!busy) {
          busy = true;
          try { note(api, detail, thisArg, args); } catch (e) { /* never break the page */ }
          busy = false;
        }
        return apply(target, thisArg, args);
      };
    }

    function wrapMethod(proto, name, api, detail) {
      const desc = proto && getDesc(proto, name);
      if (!desc || typeof desc.value !== "function") return;
      desc.value = disguise(desc.value, recordingTrap(api, detail));
      defineProp(proto, name, desc);
    }

    function wrapGetter(proto, name, api) {
      const desc = proto && getDesc(proto, name);
      if (!desc || typeof desc.get !== "function") return;
      desc.get = disguise(desc.get, recordingTrap(api));
      defineProp(proto, name, desc);
    }

    function getterOf(proto, name) {
      const desc = proto && getDesc(proto, name);
      return desc && desc.get;
    }

    function read(getter, object) {
      return getter ? apply(getter, object, []) : undefined;
    }

    function text(value) {
      return typeof value === "string" ? cut(value) : typeof value === "number" ? "" + value : "?";
    }

    // Canvas: what was written as text on each canvas (for the published criteria:
    // distinct characters, colours), then what was read back and how.
    const canvasText = new WeakMapC();
    const C2D = window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype;
    const O2D = window.OffscreenCanvasRenderingContext2D && OffscreenCanvasRenderingContext2D.prototype;
    const HCE = window.HTMLCanvasElement && HTMLCanvasElement.prototype;
    const OFC = window.OffscreenCanvas && OffscreenCanvas.prototype;
    const getters = {
      canvas2d: getterOf(C2D, "canvas"), canvasOff: getterOf(O2D, "canvas"),
      fill2d: getterOf(C2D, "fillStyle"), fillOff: getterOf(O2D, "fillStyle"),
      stroke2d: getterOf(C2D, "strokeStyle"), strokeOff: getterOf(O2D, "strokeStyle"),
      font2d: getterOf(C2D, "font"), fontOff: getterOf(O2D, "font"),
      width: getterOf(HCE, "width"), height: getterOf(HCE, "height"),
      offWidth: getterOf(OFC, "width"), offHeight: getterOf(OFC, "height"),
      connected: getterOf(Node.prototype, "isConnected"),
    };

    const isProtoOf = Object.prototype.isPrototypeOf;
    function contextCanvas(context) {
      return isOffscreenContext(context)
        ? read(getters.canvasOff, context)
        : read(getters.canvas2d, context);
    }

    function isOffscreenContext(context) {
      return !!O2D && apply(isProtoOf, O2D, [context]);
    }

    function noteText(context, value, styleGetter2d, styleGetterOff) {
      if (typeof value !== "string" && typeof value !== "number") return;
      const canvas = contextCanvas(context);
      if (!canvas) return;
      let state = apply(weakGet, canvasText, [canvas]);
      if (state === undefined) {
        state = { chars: new SetC(), colours: new SetC() };
        apply(weakSet, canvasText, [canvas, state]);
      }
      const written = "" + value;
      for (let i = 0; i < written.length && apply(setSize, state.chars, []) < MAX_CHARS; i++) {
        apply(setAdd, state.chars, [written[i]]);
      }
      if (apply(setSize, state.colours, []) < MAX_COLOURS) {
        const style = read(isOffscreenContext(context) ? styleGetterOff : styleGetter2d, context);
        apply(setAdd, state.colours, [typeof style === "string" ? style : "(gradient or pattern)"]);
      }
    }

    function textTrap(styleGetter2d, styleGetterOff) {
      return function (target, thisArg, args) {
        if (!busy) {
          busy = true;
          try { noteText(thisArg, args[0], styleGetter2d, styleGetterOff); } catch (e) { /* keep going */ }
          busy = false;
        }
        return apply(target, thisArg, args);
      };
    }

    function canvasSample(canvas, type, quality, areaWidth, areaHeight) {
      const offscreen = !!OFC && apply(isProtoOf, OFC, [canvas]);
      const state = apply(weakGet, canvasText, [canvas]);
      return {
        width: read(offscreen ? getters.offWidth : getters.width, canvas),
        height: read(offscreen ? getters.offHeight : getters.height, canvas),
        areaWidth: typeof areaWidth === "number" ? areaWidth : null,
        areaHeight: typeof areaHeight === "number" ? areaHeight : null,
        type: typeof type === "string" ? cut(type) : null,
        quality: typeof quality === "number" ? quality : null,
        textChars: state ? apply(setSize, state.chars, []) : 0,
        textColours: state ? apply(setSize, state.colours, []) : 0,
        inDocument: offscreen ? false : !!read(getters.connected, canvas),
        count: 1,
      };
    }

    function blobOptions(options) {
      if (!options || typeof options !== "object") return [null, null];
      const type = getDesc(options, "type");
      const quality = getDesc(options, "quality");
      return [type && type.value, quality && quality.value];
    }

    if (HCE) {
      wrapMethod(HCE, "toDataURL", "HTMLCanvasElement.toDataURL",
        (canvas, args) => canvasSample(canvas, args[0], args[1]));
      wrapMethod(HCE, "toBlob", "HTMLCanvasElement.toBlob",
        (canvas, args) => canvasSample(canvas, args[1], args[2]));
    }
    if (OFC) {
      wrapMethod(OFC, "convertToBlob", "OffscreenCanvas.convertToBlob",
        (canvas, args) => {
          const options = blobOptions(args[0]);
          return canvasSample(canvas, options[0], options[1]);
        });
    }
    for (const [proto, prefix, font] of [
      [C2D, "CanvasRenderingContext2D", "font2d"],
      [O2D, "OffscreenCanvasRenderingContext2D", "fontOff"],
    ]) {
      if (!proto) continue;
      wrapMethod(proto, "getImageData", prefix + ".getImageData",
        (context, args) => canvasSample(contextCanvas(context), "image-data", null, args[2], args[3]));
      wrapMethod(proto, "measureText", prefix + ".measureText",
        (context) => text(read(getters[font], context)));
      for (const [name, style2d, styleOff] of [
        ["fillText", getters.fill2d, getters.fillOff],
        ["strokeText", getters.stroke2d, getters.strokeOff],
      ]) {
        const desc = getDesc(proto, name);
        if (!desc || typeof desc.value !== "function") continue;
        desc.value = disguise(desc.value, textTrap(style2d, styleOff));
        defineProp(proto, name, desc);
      }
    }

    // WebGL: parameters read (the unmasked vendor and renderer among them), extensions.
    for (const [Context, prefix] of [
      [window.WebGLRenderingContext, "WebGLRenderingContext"],
      [window.WebGL2RenderingContext, "WebGL2RenderingContext"],
    ]) {
      if (!Context) continue;
      const proto = Context.prototype;
      wrapMethod(proto, "getParameter", prefix + ".getParameter", (_, args) => text(args[0]));
      wrapMethod(proto, "getSupportedExtensions", prefix + ".getSupportedExtensions");
      wrapMethod(proto, "getExtension", prefix + ".getExtension", (_, args) => text(args[0]));
      wrapMethod(proto, "getShaderPrecisionFormat", prefix + ".getShaderPrecisionFormat");
      wrapMethod(proto, "readPixels", prefix + ".readPixels");
    }

    // Audio: offline rendering of a generated signal.
    const OAC = window.OfflineAudioContext && OfflineAudioContext.prototype;
    wrapMethod(OAC, "startRendering", "OfflineAudioContext.startRendering");
    const BAC = window.BaseAudioContext && BaseAudioContext.prototype;
    const audioKind = (context) => (OAC && apply(isProtoOf, OAC, [context]) ? "offline" : "realtime");
    wrapMethod(BAC, "createOscillator", "BaseAudioContext.createOscillator", audioKind);
    wrapMethod(BAC, "createDynamicsCompressor", "BaseAudioContext.createDynamicsCompressor", audioKind);

    // WebRTC: a peer connection offered and its ICE candidates (local addresses) read.
    const RPC = window.RTCPeerConnection && RTCPeerConnection.prototype;
    wrapMethod(RPC, "createDataChannel", "RTCPeerConnection.createDataChannel");
    wrapMethod(RPC, "createOffer", "RTCPeerConnection.createOffer");
    wrapMethod(RPC, "setLocalDescription", "RTCPeerConnection.setLocalDescription");
    const RIC = window.RTCIceCandidate && RTCIceCandidate.prototype;
    wrapGetter(RIC, "candidate", "RTCIceCandidate.candidate");
    wrapGetter(RIC, "address", "RTCIceCandidate.address");

    // Navigator, screen, time zone, fonts, battery, media devices.
    const NAV = window.Navigator && Navigator.prototype;
    for (const name of ["plugins", "mimeTypes", "hardwareConcurrency", "deviceMemory", "languages"]) {
      wrapGetter(NAV, name, "Navigator." + name);
    }
    wrapMethod(NAV, "getBattery", "Navigator.getBattery");
    const UAD = window.NavigatorUAData && NavigatorUAData.prototype;
    wrapMethod(UAD, "getHighEntropyValues", "NavigatorUAData.getHighEntropyValues", (_, args) => {
      const hints = args[0];
      if (!isArray(hints)) return undefined;
      const seen = [];
      for (let i = 0; i < hints.length && i < 20; i++) seen[i] = text(hints[i]);
      return seen;
    });
    const SCR = window.Screen && Screen.prototype;
    for (const name of ["width", "height", "availWidth", "availHeight", "availLeft", "availTop",
      "colorDepth", "pixelDepth"]) {
      wrapGetter(SCR, name, "Screen." + name);
    }
    wrapMethod(window.Intl && Intl.DateTimeFormat && Intl.DateTimeFormat.prototype,
      "resolvedOptions", "Intl.DateTimeFormat.resolvedOptions");
    wrapMethod(window.FontFaceSet && FontFaceSet.prototype, "check", "FontFaceSet.check",
      (_, args) => text(args[0]));
    wrapMethod(window.MediaDevices && MediaDevices.prototype, "enumerateDevices",
      "MediaDevices.enumerateDevices");

    apply(addListener, window, ["pagehide", () => { if (version) flush(); }, true]);
    pullExtras.push(() => (version ? makeEvent("api-calls", snapshot()) : null));
    return { disguise };
  })();

