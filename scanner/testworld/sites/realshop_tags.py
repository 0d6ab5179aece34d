"""How www.realshop.test loads the real libraries: each one's official snippet or loader,
configured to its vendor's real host names on the world's port.

The Mixpanel and Amplitude snippets are read from the pinned npm packages (they ship
them); the PostHog and Segment snippets are the loaders their documentation gives. The only
change a site owner would not make is the port in the library's URLs, set through each
library's documented host option (``api_host``, ``serverUrl``, ``lib_base_path``,
``ingestPoint``, the Segment source's ``apiHost``; PostHog's ``rewriteRequestPath`` adds the
port to the region hosts it derives).
"""

import json
from functools import cache

from ..hosts import (
    AMPLITUDE_API,
    AMPLITUDE_CDN,
    AMPLITUDE_CONFIG,
    MIXPANEL_API,
    MIXPANEL_CDN,
    OPENREPLAY_API,
    OPENREPLAY_CDN,
    POSTHOG_API,
    SEGMENT_CDN,
    WorldUrls,
)
from ..layout import inline_script
from .npm_files import NODE_MODULES

POSTHOG_TOKEN = "phc_RealShopTestWorldToken0000000000000000000"
MIXPANEL_TOKEN = "5f1e2d3c4b5a69788796a5b4c3d2e1f0"
AMPLITUDE_API_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SEGMENT_WRITE_KEY = "RealShopTestWorldWriteKey01"
OPENREPLAY_PROJECT_KEY = "RealShopTestWorld01"
OPENREPLAY_VERSION = "19.0.1"

_AMPLITUDE_SNIPPET_CDN = f"https://{AMPLITUDE_CDN}/"
_MIXPANEL_SNIPPET_PATH = "mixpanel-browser/dist/mixpanel-jslib-snippet.min.js"
_AMPLITUDE_SNIPPET_PATH = "@amplitude/analytics-browser/lib/scripts/amplitude-snippet-min.js"

# PostHog's documented web snippet (array.js from the region's assets host).
_POSTHOG_SNIPPET = (
    "!function(t,e){var o,n,p,r;e.__SV||(window.posthog&&window.posthog.__loaded)||("
    "window.posthog=e,e._i=[],e.init=function(i,s,a){function g(t,e){var o=e.split('.');"
    "2==o.length&&(t=t[o[0]],e=o[1]),t[e]=function(){t.push([e].concat("
    "Array.prototype.slice.call(arguments,0)))}}(p=t.createElement('script')).type="
    "'text/javascript',p.crossOrigin='anonymous',p.async=!0,p.src=s.api_host.replace("
    "'.i.posthog.com','-assets.i.posthog.com')+'/static/array.js',(r=t.getElementsByTagName("
    "'script')[0]).parentNode.insertBefore(p,r);var u=e;for(void 0!==a?u=e[a]=[]:a='posthog',"
    "u.people=u.people||[],u.toString=function(t){var e='posthog';return'posthog'!==a&&(e+="
    "'.'+a),t||(e+=' (stub)'),e},u.people.toString=function(){return u.toString(1)+"
    "'.people (stub)'},o='init capture register register_once register_for_session "
    "unregister unregister_for_session getFeatureFlag getFeatureFlagPayload isFeatureEnabled "
    "reloadFeatureFlags updateEarlyAccessFeatureEnrollment getEarlyAccessFeatures on "
    "onFeatureFlags onSessionId getSurveys getActiveMatchingSurveys renderSurvey "
    "canRenderSurvey getNextSurveyStep identify setPersonProperties group resetGroups "
    "setPersonPropertiesForFlags resetPersonPropertiesForFlags setGroupPropertiesForFlags "
    "resetGroupPropertiesForFlags reset get_distinct_id getGroups get_session_id "
    "get_session_replay_url alias set_config startSessionRecording stopSessionRecording "
    "sessionRecordingStarted captureException loadToolbar get_property getSessionProperty "
    "createPersonProfile opt_in_capturing opt_out_capturing has_opted_in_capturing "
    "has_opted_out_capturing clear_opt_in_out_capturing debug'.split(' '),n=0;n<o.length;n++)"
    "g(u,o[n]);e._i.push([i,s,a])},e.__SV=1)}(document,window.posthog||[]);"
)

# Segment's documented analytics.js snippet (analytics-next from the CDN).
_SEGMENT_SNIPPET = (
    "!function(){var i='analytics',analytics=window[i]=window[i]||[];if(!analytics.initialize)"
    "if(analytics.invoked)window.console&&console.error&&console.error("
    "'Segment snippet included twice.');else{analytics.invoked=!0;analytics.methods=["
    "'trackSubmit','trackClick','trackLink','trackForm','pageview','identify','reset','group',"
    "'track','ready','alias','debug','page','screen','once','off','on','addSourceMiddleware',"
    "'addIntegrationMiddleware','setAnonymousId','addDestinationMiddleware','register'];"
    "analytics.factory=function(e){return function(){if(window[i].initialized)return "
    "window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);"
    "if(['track','screen','alias','group','page','identify'].indexOf(e)>-1){var c="
    "document.querySelector(\"link[rel='canonical']\");n.push({__t:'bpc',c:c&&"
    "c.getAttribute('href')||void 0,p:location.pathname,u:location.href,s:location.search,"
    "t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};"
    "for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];"
    "analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t="
    "document.createElement('script');t.type='text/javascript';t.async=!0;"
    "t.setAttribute('data-global-segment-analytics-key',i);t.src=%(cdn)s+key+"
    "'/analytics.min.js';var r=document.getElementsByTagName('script')[0];"
    "r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey=%(key)s;"
    "analytics.SNIPPET_VERSION='5.2.0';analytics.load(%(key)s);analytics.page()}}();"
)


@cache
def _shipped_snippet(relative: str) -> str:
    """A snippet file shipped in an npm package ('' when the packages are not installed)."""
    path = NODE_MODULES / relative
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def _js(value: object) -> str:
    """A JavaScript literal for ``value`` that is safe inside an inline script."""
    return json.dumps(value).replace("</", "<\\/")


class RealShopTags:
    """The ``<head>`` markup that loads and configures every library on a page."""

    def __init__(self, urls: WorldUrls) -> None:
        self.urls = urls
        self.port = str(urls.https_port)

    def posthog(self) -> str:
        api_host = _js(self.urls.https(POSTHOG_API, ""))
        config = (
            f"{{api_host:{api_host},"
            f"rewriteRequestPath:function(url){{url.port={_js(self.port)};return url}},"
            "defaults:'2025-05-24',person_profiles:'identified_only',"
            "session_recording:{maskAllInputs:false}}"
        )
        code = f"{_POSTHOG_SNIPPET}\nposthog.init({_js(POSTHOG_TOKEN)},{config});"
        return inline_script(code)

    def mixpanel(self) -> str:
        lib_base = self.urls.https(MIXPANEL_CDN, "/libs/")
        config = {
            "api_host": self.urls.https(MIXPANEL_API, ""),
            "lib_base_path": lib_base,
            "track_pageview": True,
            "persistence": "localStorage",
            "record_sessions_percent": 100,
        }
        code = (
            f"var MIXPANEL_CUSTOM_LIB_URL={_js(lib_base + 'mixpanel-2-latest.min.js')};\n"
            f"{_shipped_snippet(_MIXPANEL_SNIPPET_PATH)}\n"
            f"mixpanel.init({_js(MIXPANEL_TOKEN)},{_js(config)});"
        )
        return inline_script(code)

    def amplitude(self) -> str:
        snippet = _shipped_snippet(_AMPLITUDE_SNIPPET_PATH).replace(
            _AMPLITUDE_SNIPPET_CDN, self.urls.https(AMPLITUDE_CDN, "/")
        )
        config = {
            "serverUrl": self.urls.https(AMPLITUDE_API, "/2/httpapi"),
            "enableRequestBodyCompression": True,
            "remoteConfig": {"serverUrl": self.urls.https(AMPLITUDE_CONFIG, "/config")},
            "autocapture": True,
        }
        code = f"{snippet}\namplitude.init({_js(AMPLITUDE_API_KEY)},{_js(config)});"
        return inline_script(code)

    def segment(self) -> str:
        cdn = self.urls.https(SEGMENT_CDN, "/analytics.js/v1/")
        code = _SEGMENT_SNIPPET % {"cdn": _js(cdn), "key": _js(SEGMENT_WRITE_KEY)}
        return inline_script(code)

    def openreplay(self, user_id: str | None) -> str:
        """OpenReplay's tracker as an ES module from its CDN; started with a user id when the
        visitor is known."""
        module = self.urls.https(OPENREPLAY_CDN, f"/{OPENREPLAY_VERSION}/tracker.js")
        options = {
            "projectKey": OPENREPLAY_PROJECT_KEY,
            "ingestPoint": self.urls.https(OPENREPLAY_API, "/ingest"),
            "obscureInputEmails": False,
            "obscureTextEmails": False,
            "defaultInputMode": 0,
        }
        start = _js({"userID": user_id} if user_id else {})
        code = (
            f"import Tracker from {_js(module)};\n"
            f"window.openreplay=new Tracker({_js(options)});\n"
            f"window.openreplay.start({start});"
        )
        return f'<script type="module">{code}</script>'

    def head(self, user_id: str | None = None) -> str:
        """Every library's loader, in the order a tag plan would put them."""
        return "\n".join(
            (
                self.posthog(),
                self.mixpanel(),
                self.amplitude(),
                self.segment(),
                self.openreplay(user_id),
                "",
            )
        )
