// Facts read from the rendered document once it has settled.
() => {
  const metaPolicies = [...document.querySelectorAll("meta[http-equiv]")]
    .filter((m) => /^content-security-policy(-report-only)?$/i.test(m.httpEquiv))
    .map((m) => ({ httpEquiv: m.httpEquiv.toLowerCase(), content: m.content }));
  const referrer = document.querySelector('meta[name="referrer" i]');
  const forms = [...document.forms].map((form) => ({
    action: form.action,
    method: (form.getAttribute("method") || "get").toLowerCase(),
    fields: [...form.elements]
      .filter((el) => el.name)
      .map((el) => ({ name: el.name, type: (el.type || "").toLowerCase() })),
  }));
  return {
    title: document.title,
    metaPolicies,
    metaReferrer: referrer ? referrer.content : null,
    forms,
    lang: document.documentElement.lang || null,
  };
}
