// The consent signals a page's CMP APIs give its vendors, read in the main frame.
// IAB TCF v2.2: __tcfapi('addEventListener', 2, cb), the first answer whose eventStatus
// is final (tcloaded, useractioncomplete, or cmpuishown: the banner waits for the
// visitor), then removeEventListener. IAB GPP 1.1: __gpp('ping', cb), asked again until
// signalStatus is 'ready'. CCPA: __uspapi('getUSPData', 1, cb).
// The page is not trusted: an API may throw, never answer, answer thousands of times or
// answer with anything. Every answer is copied field by field into plain, bounded values;
// each API gets `timeoutMs` at most (the caller bounds the whole evaluation as well).
async ({ timeoutMs, maxChars }) => {
  const FINAL_TCF = ["tcloaded", "useractioncomplete", "cmpuishown"];
  const POLL_MS = 100;

  function text(value) {
    if (value === undefined || value === null) return null;
    if (typeof value !== "string") return { type: typeof value };
    if (value.length > maxChars) return { cut: value.slice(0, maxChars), length: value.length };
    return value;
  }
  function word(value) {
    return typeof value === "string" ? value.slice(0, 64) : null;
  }
  function flag(value) {
    return typeof value === "boolean" ? value : null;
  }
  function whole(value) {
    return Number.isInteger(value) && value >= 0 && value < 1e9 ? value : null;
  }
  function ids(value) {
    if (!Array.isArray(value)) return null;
    return value.slice(0, 64).filter((id) => Number.isInteger(id) && id >= 0 && id < 1e6);
  }
  function problem(error) {
    try {
      return `threw ${String((error && error.name) || "an exception")}: ${String(
        error && error.message
      ).slice(0, 200)}`;
    } catch (e) {
      return "threw an exception";
    }
  }
  function api(name) {
    try {
      return typeof window[name] === "function" ? window[name] : null;
    } catch (e) {
      return null; // a getter that throws: no usable API
    }
  }

  // One API call: `ask(answer)` calls the API; `answer(data, success)` returns true once
  // the answer is final. Resolves with the last answer (or the error) when final or late.
  function reading(ask) {
    return new Promise((resolve) => {
      const state = { calls: 0, data: null, success: null, error: null, final: false };
      let done = false;
      const finish = () => {
        if (!done) {
          done = true;
          resolve(state);
        }
      };
      const answer = (data, success) => {
        state.calls += 1;
        if (done) return false;
        state.data = data;
        state.success = success;
        return true;
      };
      const accept = () => {
        state.final = true;
        finish();
      };
      try {
        ask(answer, accept, state);
      } catch (error) {
        state.error = problem(error);
        finish();
      }
      setTimeout(finish, timeoutMs);
    });
  }

  function readTcf(tcfapi) {
    return reading((answer, accept, state) => {
      tcfapi("addEventListener", 2, (tcData, success) => {
        if (!answer(null, success)) return;
        let status = null;
        let listener = null;
        try {
          status = tcData ? word(tcData.eventStatus) : null;
          listener = tcData ? tcData.listenerId : null;
          state.data = tcData && {
            tcString: text(tcData.tcString),
            eventStatus: status,
            cmpStatus: word(tcData.cmpStatus),
            gdprApplies: flag(tcData.gdprApplies),
            cmpId: whole(tcData.cmpId),
          };
        } catch (error) {
          state.error = problem(error);
        }
        if (!FINAL_TCF.includes(status)) return;
        try {
          if (typeof listener === "number" || typeof listener === "string") {
            tcfapi("removeEventListener", 2, () => {}, listener);
          }
        } catch (e) {
          // the listener stays registered; later calls are counted and ignored
        }
        accept();
      });
    });
  }

  function readGpp(gpp) {
    return reading((answer, accept, state) => {
      const ping = () => {
        gpp("ping", (pingData, success) => {
          if (!answer(null, success)) return;
          try {
            state.data = pingData && {
              gppString: text(pingData.gppString),
              signalStatus: word(pingData.signalStatus),
              gppVersion: word(pingData.gppVersion),
              cmpStatus: word(pingData.cmpStatus),
              cmpDisplayStatus: word(pingData.cmpDisplayStatus),
              cmpId: whole(pingData.cmpId),
              applicableSections: ids(pingData.applicableSections),
            };
          } catch (error) {
            state.error = problem(error);
          }
          if (state.data && state.data.signalStatus === "ready") accept();
        });
      };
      ping();
      const again = setInterval(() => {
        if (state.final || state.error) return clearInterval(again);
        try {
          ping();
        } catch (error) {
          state.error = problem(error);
          clearInterval(again);
        }
      }, POLL_MS);
      setTimeout(() => clearInterval(again), timeoutMs);
    });
  }

  function readUsp(uspapi) {
    return reading((answer, accept, state) => {
      uspapi("getUSPData", 1, (uspData, success) => {
        if (!answer(null, success)) return;
        try {
          state.data = uspData && { uspString: text(uspData.uspString), version: whole(uspData.version) };
        } catch (error) {
          state.error = problem(error);
        }
        accept();
      });
    });
  }

  function plain(state) {
    return {
      calls: state.calls,
      success: flag(state.success),
      error: state.error,
      final: state.final,
      data: state.data,
    };
  }

  const readers = { tcf: ["__tcfapi", readTcf], gpp: ["__gpp", readGpp], usp: ["__uspapi", readUsp] };
  const found = {};
  await Promise.all(
    Object.entries(readers).map(async ([key, [name, read]]) => {
      const fn = api(name);
      found[key] = fn ? plain(await read((...args) => Reflect.apply(fn, window, args))) : null;
    })
  );
  return found;
}
