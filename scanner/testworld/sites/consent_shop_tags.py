"""The markup www.consentshop.test puts in its pages: Klaro!, its configuration, the
vendor tags it gates and the first-party scripts that get consent wrong.

Klaro! gates an element whose ``data-name`` names one of its services: a ``<script
type="text/plain" data-type="application/javascript" data-src=...>`` (or an inline one)
is replaced by a live copy once the service has consent, and never before. Required
services count as consented from the start.
"""

import json

from ..hosts import AD_NETWORK, ANALYTICS_CDN, CONSENT_SHOP_APEX, TAG_MANAGER, WorldUrls
from ..layout import attrs, inline_script, script
from .tcf_string import NO_CONSENT

KLARO_PATH = "/assets/klaro/klaro.js"
KLARO_NPM_FILE = "klaro/dist/klaro.js"
"""Klaro!'s own bundle (scripts and CSS, every translation), served unmodified."""
TCF_STUB_PATH = "/assets/tcfapi-stub.js"
TCF_STUB_FILE = "tcfapi-stub.js"

KLARO_COOKIE = "klaro"
"""Where Klaro! keeps the choice: URL-encoded JSON, service name -> bool."""
KLARO_COOKIE_DAYS = 365

ESSENTIAL = "essential"
ANALYTICS = "analytics"
ADVERTISING = "advertising"
SERVICES: tuple[str, ...] = (ESSENTIAL, ANALYTICS, ADVERTISING)

SESSION_COOKIE = "cs_session"
"""The shop's own session cookie (set by the server; the required "essential" service)."""
ANALYTICS_COOKIE = "_ae_cid"
"""The analytics tag's first-party id cookie: Klaro! deletes it when analytics is refused."""
UNDECLARED_COOKIE = "_fbp"
"""Set by an inline first-party script on every page, whatever the choice; Klaro! is not
told about it."""
UNDECLARED_COOKIE_MAX_AGE = 7776000  # 90 days, as the pixel it imitates

# Purposes Klaro!'s English texts do not name.
_TRANSLATIONS = {
    "en": {
        "purposes": {
            "analytics": {
                "title": "Analytics",
                "description": "These services count visits and measure how the shop is used.",
            }
        }
    }
}


def _js(value: object) -> str:
    """A JavaScript literal for ``value`` that is safe inside an inline script."""
    return json.dumps(value).replace("</", "<\\/")


def klaro_config(
    *,
    hide_decline_all: bool,
    session_cookie: str = SESSION_COOKIE,
    analytics_cookies: tuple[str, ...] = (ANALYTICS_COOKIE,),
) -> dict[str, object]:
    """The ``klaroConfig`` of every page; ``hide_decline_all`` removes "I decline" from the
    notice (and "decline all" from the modal): Klaro! 0.7.22's ``hideDeclineAll``. Klaro!
    deletes the ``analytics_cookies`` whenever analytics has no consent."""
    return {
        "version": 1,
        "elementID": "klaro",
        "storageMethod": "cookie",
        "storageName": KLARO_COOKIE,
        "cookieExpiresAfterDays": KLARO_COOKIE_DAYS,
        "privacyPolicy": "/privacy",
        "lang": "en",
        "default": False,
        "mustConsent": False,
        "acceptAll": True,
        "hideDeclineAll": hide_decline_all,
        "hideLearnMore": False,
        "translations": _TRANSLATIONS,
        "services": [
            {
                "name": ESSENTIAL,
                "title": "Shop session",
                "purposes": ["functional"],
                "required": True,
                "cookies": [session_cookie],
            },
            {
                "name": ANALYTICS,
                "title": "Example Analytics",
                "purposes": ["analytics"],
                "cookies": [[name, "/"] for name in analytics_cookies],
            },
            {
                "name": ADVERTISING,
                "title": "Example Ad Network",
                "purposes": ["marketing"],
            },
        ],
    }


def klaro_markup(config: dict[str, object]) -> str:
    """Klaro!'s configuration and its bundle (deferred, as its documentation has it)."""
    return (
        inline_script(f"window.klaroConfig = {_js(config)};")
        + "\n"
        + f'<script defer src="{KLARO_PATH}"></script>'
    )


# Defines consentShop.loadPartnerTag(src): inserts an external script after the calling
# script unless the browser sends Global Privacy Control. The honouring pages load every
# advertising tag through it; /deals does not.
_PARTNER_LOADER = """window.consentShop = {
  gpc: navigator.globalPrivacyControl === true,
  loadPartnerTag: function (src) {
    if (this.gpc) return false;
    var here = document.currentScript;
    var tag = document.createElement("script");
    tag.src = src;
    if (here && here.parentNode) here.parentNode.insertBefore(tag, here.nextSibling);
    else document.head.appendChild(tag);
    return true;
  }
};"""

_UNDECLARED_COOKIE_SCRIPT = """(function () {
  if (/(?:^|; )%(name)s=/.test(document.cookie)) return;
  var id = "fb.1." + Date.now() + "." + Math.floor(Math.random() * 2147483647);
  document.cookie =
    "%(name)s=" + id + "; max-age=%(max_age)d; path=/; domain=%(domain)s; SameSite=Lax";
})();"""

# /sponsored: hands the TC string to the ad network and loads its tag without reading a
# single consent out of it.
_TCF_BRIDGE = """__tcfapi("addEventListener", 2, function (tcData, success) {
  var status = success && tcData.eventStatus;
  if (status !== "tcloaded" && status !== "useractioncomplete") return;
  __tcfapi("removeEventListener", 2, function () {}, tcData.listenerId);
  consentShop.loadPartnerTag(%(tag)s + "?gdpr=" + (tcData.gdprApplies ? 1 : 0) +
    "&gdpr_consent=" + encodeURIComponent(tcData.tcString));
});"""


class ConsentShopTags:
    """The markup of one world (its vendor URLs carry the world's port)."""

    def __init__(self, urls: WorldUrls) -> None:
        self.analytics_tag = urls.https(ANALYTICS_CDN, "/a.js")
        self.ad_tag = urls.https(AD_NETWORK, "/ad.js")
        self.tag_manager = urls.https(TAG_MANAGER, "/tm.js")

    def klaro(self, *, hide_decline_all: bool = False) -> str:
        return klaro_markup(klaro_config(hide_decline_all=hide_decline_all))

    def partner_loader(self) -> str:
        return inline_script(_PARTNER_LOADER)

    def undeclared_cookie(self) -> str:
        """(b) an inline script that sets ``_fbp`` for the whole registrable domain."""
        code = _UNDECLARED_COOKIE_SCRIPT % {
            "name": UNDECLARED_COOKIE,
            "max_age": UNDECLARED_COOKIE_MAX_AGE,
            "domain": CONSENT_SHOP_APEX,
        }
        return inline_script(code)

    def gated_analytics(self) -> str:
        """The analytics tag, loaded by Klaro! once "analytics" has consent."""
        gated = {
            "type": "text/plain",
            "data-type": "application/javascript",
            "data-name": ANALYTICS,
            "data-src": self.analytics_tag,
        }
        return f"<script{attrs(gated)}></script>"

    def gated_advertising(self) -> str:
        """The ad slot: Klaro! runs it once "advertising" has consent; it loads the ad
        network's tag unless GPC is on."""
        gated = {
            "type": "text/plain",
            "data-type": "application/javascript",
            "data-name": ADVERTISING,
        }
        code = f"consentShop.loadPartnerTag({_js(self.ad_tag)});"
        return f"<script{attrs(gated)}>{code}</script>"

    def guarded_tag_manager(self) -> str:
        """(a) the tag manager, never asked about to Klaro! (GPC still stops it)."""
        return inline_script(f"consentShop.loadPartnerTag({_js(self.tag_manager)});")

    def hard_coded_ads(self) -> tuple[str, str]:
        """(e) /deals: the tag manager (for the head) and the ad tag (for the slot), plain
        script elements that neither Klaro! nor GPC stops."""
        return script(self.tag_manager, async_=True), script(self.ad_tag)

    def tcf_stub(self) -> str:
        """(d) the hand-made ``__tcfapi``: always the no-consent TC string."""
        details = {
            "tcString": NO_CONSENT.encode(),
            "cmpId": NO_CONSENT.cmp_id,
            "cmpVersion": NO_CONSENT.cmp_version,
            "gvlVersion": NO_CONSENT.vendor_list_version,
            "tcfPolicyVersion": NO_CONSENT.tcf_policy_version,
            "publisherCC": NO_CONSENT.publisher_cc,
        }
        return f"<script{attrs({'src': TCF_STUB_PATH, 'data-tcf': json.dumps(details)})}></script>"

    def tcf_bridge(self) -> str:
        """(d) /sponsored: the ad tag gets the TC string, whatever it says."""
        return inline_script(_TCF_BRIDGE % {"tag": _js(self.ad_tag)})
