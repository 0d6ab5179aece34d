"""Host names of the test world and the helper that builds URLs pointing at them.

Chromium reaches every fake host through ``--host-resolver-rules=MAP * 127.0.0.1``, which
keeps the URL's port, so every URL must carry the port the world is listening on.
Pages therefore never hard-code ports: they build links with :class:`WorldUrls`.
"""

from dataclasses import dataclass

# First party (registrable domain shop.test).
SHOP_APEX = "shop.test"
SHOP = "www.shop.test"
SHOP_STATIC = "static.shop.test"

# Third parties.
ANALYTICS_CDN = "cdn.analytics.example"
ANALYTICS_COLLECT = "collect.analytics.example"
TAG_MANAGER = "tags.tagmgr.example"
RETARGET_CDN = "cdn.retarget.example"
RETARGET_PIXEL = "px.retarget.example"
FOURTH_PARTY = "sync.fourthparty.example"
AD_NETWORK = "ads.adnet.example"
SLOW_VENDOR = "api.slowvendor.example"
SOCIAL_WIDGETS = "widgets.social.example"
SOCIAL_CDN = "cdn.social.example"

# An unrelated, out-of-scope site the shop links to.
OTHER_SITE = "www.othersite.example"

# The benchmark site (served only when the world is started with bench pages).
BENCH = "bench.test"

# The real shop (registrable domain realshop.test): its pages load the real, unmodified
# browser builds of tracking libraries from npm, from their vendors' real host names.
REALSHOP_APEX = "realshop.test"
REALSHOP = "www.realshop.test"

# A control site with first-party pages only.
CONTROL = "www.control.test"

# A page that sets hostile cookies (names, bytes, sizes), for the cookie jar comparison.
COOKIE_JAR = "www.cookiejar.test"

# A site of crawler traps, lost links and cut connections.
HOSTILE = "www.hostile.test"

# A shop whose banner is the real Klaro! consent manager (registrable domain
# consentshop.test), with the ways sites get consent wrong.
CONSENT_SHOP_APEX = "consentshop.test"
CONSENT_SHOP = "www.consentshop.test"

# A site whose release changes while the world runs (registrable domain launch.test), for
# comparing two audits of it.
LAUNCH = "www.launch.test"

# A shop that runs the real FingerprintJS (registrable domain fpshop.test), the library's
# CDN host and a cross-site payment frame that runs it too.
FPSHOP = "www.fpshop.test"
FPJS_CDN = "openfpcdn.io"
PAY_WIDGET = "checkout.paywidget.example"

# The real libraries' CDN and collection hosts, as their official setup names them.
POSTHOG_ASSETS = "us-assets.i.posthog.com"
POSTHOG_API = "us.i.posthog.com"
MIXPANEL_CDN = "cdn.mxpnl.com"
MIXPANEL_API = "api-js.mixpanel.com"
AMPLITUDE_CDN = "cdn.amplitude.com"
AMPLITUDE_API = "api2.amplitude.com"
AMPLITUDE_CONFIG = "sr-client-cfg.amplitude.com"
SEGMENT_CDN = "cdn.segment.com"
SEGMENT_API = "api.segment.io"
OPENREPLAY_CDN = "static.openreplay.com"
OPENREPLAY_API = "api.openreplay.com"

REAL_TRACKER_HOSTS: tuple[str, ...] = (
    POSTHOG_ASSETS,
    POSTHOG_API,
    MIXPANEL_CDN,
    MIXPANEL_API,
    AMPLITUDE_CDN,
    AMPLITUDE_API,
    AMPLITUDE_CONFIG,
    SEGMENT_CDN,
    SEGMENT_API,
    OPENREPLAY_CDN,
    OPENREPLAY_API,
)
"""Every host the real libraries are served from or send to (all answered by the sink)."""

ALL_HOSTS: tuple[str, ...] = (
    SHOP_APEX,
    SHOP,
    SHOP_STATIC,
    ANALYTICS_CDN,
    ANALYTICS_COLLECT,
    TAG_MANAGER,
    RETARGET_CDN,
    RETARGET_PIXEL,
    FOURTH_PARTY,
    AD_NETWORK,
    SLOW_VENDOR,
    SOCIAL_WIDGETS,
    SOCIAL_CDN,
    OTHER_SITE,
    BENCH,
    REALSHOP_APEX,
    REALSHOP,
    CONTROL,
    COOKIE_JAR,
    HOSTILE,
    CONSENT_SHOP_APEX,
    CONSENT_SHOP,
    LAUNCH,
    FPSHOP,
    FPJS_CDN,
    PAY_WIDGET,
    *REAL_TRACKER_HOSTS,
)
"""Every host name the world can serve; the certificate lists exactly these (plus a wildcard)."""


@dataclass(frozen=True)
class WorldUrls:
    """Builds absolute URLs for the world's hosts on the ports it actually listens on."""

    http_port: int
    https_port: int

    def https(self, host: str, path: str = "/") -> str:
        """``https://<host>:<https_port><path>``."""
        return f"https://{host}:{self.https_port}{path}"

    def http(self, host: str, path: str = "/") -> str:
        """``http://<host>:<http_port><path>``."""
        return f"http://{host}:{self.http_port}{path}"

    def url(self, host: str, path: str = "/", secure: bool = True) -> str:
        """The URL of ``path`` on ``host`` over https (default) or plain http."""
        return self.https(host, path) if secure else self.http(host, path)
