/* A hand-made IAB TCF v2.2 CMP API served by www.consentshop.test/assets/tcfapi-stub.js.
 * It answers ping, addEventListener and removeEventListener (directly and, for frames,
 * through the __tcfapiLocator frame and postMessage) with the fixed TC string and CMP
 * details of the script tag's data-tcf attribute (JSON), whatever the visitor chose. */
(function () {
  "use strict";
  var script = document.currentScript;
  var cmp = JSON.parse(script.getAttribute("data-tcf"));
  var listeners = {};
  var nextListenerId = 1;

  function none() {
    return { consents: {}, legitimateInterests: {} };
  }

  function tcData(listenerId) {
    return {
      tcString: cmp.tcString,
      tcfPolicyVersion: cmp.tcfPolicyVersion,
      cmpId: cmp.cmpId,
      cmpVersion: cmp.cmpVersion,
      gdprApplies: true,
      eventStatus: "tcloaded",
      cmpStatus: "loaded",
      listenerId: listenerId,
      isServiceSpecific: true,
      useNonStandardTexts: false,
      publisherCC: cmp.publisherCC,
      purposeOneTreatment: false,
      purpose: none(),
      vendor: none(),
      specialFeatureOptins: {},
      publisher: {
        consents: {},
        legitimateInterests: {},
        customPurpose: none(),
        restrictions: {},
      },
    };
  }

  function tcfapi(command, version, callback, parameter) {
    if (typeof callback !== "function") return;
    if (version !== 2 && version !== undefined && version !== null) {
      callback(null, false);
    } else if (command === "ping") {
      callback(
        {
          gdprApplies: true,
          cmpLoaded: true,
          cmpStatus: "loaded",
          displayStatus: "hidden",
          apiVersion: "2.2",
          cmpVersion: cmp.cmpVersion,
          cmpId: cmp.cmpId,
          gvlVersion: cmp.gvlVersion,
          tcfPolicyVersion: cmp.tcfPolicyVersion,
        },
        true
      );
    } else if (command === "addEventListener") {
      var listenerId = nextListenerId++;
      listeners[listenerId] = callback;
      callback(tcData(listenerId), true);
    } else if (command === "removeEventListener") {
      var known = Object.prototype.hasOwnProperty.call(listeners, parameter);
      delete listeners[parameter];
      callback(known, true);
    } else {
      callback(null, false);
    }
  }

  window.__tcfapi = tcfapi;

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (typeof data === "string") {
      try {
        data = JSON.parse(data);
      } catch (e) {
        return;
      }
    }
    var call = data && data.__tcfapiCall;
    if (!call || !event.source) return;
    tcfapi(call.command, call.version, function (returnValue, success) {
      var reply = { __tcfapiReturn: { returnValue: returnValue, success: success, callId: call.callId } };
      event.source.postMessage(typeof event.data === "string" ? JSON.stringify(reply) : reply, "*");
    }, call.parameter);
  });

  function addLocator() {
    if (window.frames.__tcfapiLocator) return;
    if (!document.body) {
      document.addEventListener("DOMContentLoaded", addLocator);
      return;
    }
    var frame = document.createElement("iframe");
    frame.name = "__tcfapiLocator";
    frame.style.display = "none";
    frame.setAttribute("aria-hidden", "true");
    document.body.appendChild(frame);
  }
  addLocator();
})();
