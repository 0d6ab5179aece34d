// The visible controls of what looks like a consent banner's first layer: buttons, links
// and button-like inputs inside dialogs, fixed or sticky boxes, and elements whose id or
// class names a cookie banner or a known CMP (open shadow roots included). Read only:
// nothing is clicked. Bounded: `maxElements` elements looked at, `maxControls` returned.
({ maxElements, maxControls, maxChars }) => {
  const NAMED =
    /cookie|consent|gdpr|privacy|cmp|klaro|onetrust|optanon|didomi|usercentrics|cookiebot|cybot|quantcast|qc-cmp|trustarc|truste|sp_message|osano|iubenda|complianz|cmplz|borlabs|cookieyes|cky-|termly|axeptio|tarteaucitron|cookielaw|cookiefirst|consentmanager|sirdata|lgpd/i;
  const CONTROLS =
    'button, a[href], a[role], [role="button"], input[type="button"], input[type="submit"]';
  const DIALOGS = 'dialog[open], [role="dialog"], [role="alertdialog"], [aria-modal="true"]';

  function named(element) {
    const id = typeof element.id === "string" ? element.id : "";
    const cls = typeof element.className === "string" ? element.className : "";
    return NAMED.test(id) || NAMED.test(cls);
  }
  function positioned(element) {
    const position = getComputedStyle(element).position;
    return position === "fixed" || position === "sticky";
  }
  function visible(element) {
    const box = element.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) return false;
    if (typeof element.checkVisibility === "function") {
      return element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    }
    return getComputedStyle(element).visibility !== "hidden";
  }
  function label(element) {
    const text =
      element.innerText ||
      (element.tagName === "INPUT" ? element.value : "") ||
      element.getAttribute("aria-label") ||
      element.getAttribute("title") ||
      "";
    return String(text).replace(/\s+/g, " ").trim().slice(0, maxChars);
  }

  // Every element, open shadow roots included, up to maxElements.
  const elements = [];
  const roots = [document];
  let truncated = false;
  while (roots.length && !truncated) {
    const root = roots.shift();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (elements.length >= maxElements) {
        truncated = true;
        break;
      }
      elements.push(node);
      if (node.shadowRoot) roots.push(node.shadowRoot);
    }
  }

  // Whether an element is, or sits inside (across shadow boundaries), a banner-like box.
  const verdicts = new Map();
  function inBanner(element) {
    const path = [];
    let answer = false;
    for (let node = element; node && node !== document.body; ) {
      if (node === document.documentElement) break;
      if (verdicts.has(node)) {
        answer = verdicts.get(node);
        break;
      }
      path.push(node);
      if (node.matches(DIALOGS) || named(node) || positioned(node)) {
        answer = true;
        break;
      }
      node = node.parentElement || (node.getRootNode() && node.getRootNode().host) || null;
    }
    for (const node of path) verdicts.set(node, answer);
    return answer;
  }

  const controls = [];
  for (const element of elements) {
    if (!element.matches(CONTROLS) || !inBanner(element) || !visible(element)) continue;
    const text = label(element);
    if (!text) continue;
    if (controls.length >= maxControls) {
      truncated = true;
      break;
    }
    controls.push({ text, tag: element.tagName.toLowerCase() });
  }
  return { controls, truncated };
}
