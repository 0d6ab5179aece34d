"""The real libraries' vendor hosts: their CDN files and a sink for what they collect.

CDN hosts serve the libraries' unmodified npm files under the paths their loaders and
lazy loaders ask for. Collection hosts answer like the real services, just enough for the
libraries to keep working (remote configuration, flags, settings, 200 to batches), with
CORS headers that allow credentials. Every request is logged by the server itself
(:mod:`scanner.testworld.request_log`), so the sink only has to answer.
"""

import json
import re
import time
from collections.abc import Callable
from typing import Any

from ..hosts import (
    AMPLITUDE_API,
    AMPLITUDE_CDN,
    AMPLITUDE_CONFIG,
    MIXPANEL_API,
    MIXPANEL_CDN,
    OPENREPLAY_API,
    OPENREPLAY_CDN,
    POSTHOG_API,
    POSTHOG_ASSETS,
    SEGMENT_API,
    SEGMENT_CDN,
    WorldUrls,
)
from ..messages import JAVASCRIPT, Handler, Request, Response, random_token, text
from .npm_files import gzipped_npm_file, npm_file

JSON = "application/json"
_FILE_NAME = r"[A-Za-z0-9_.-]+"


def json_response(value: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(value).encode("utf-8"), JSON)


def with_cors(handler: Handler) -> Handler:
    """Answer preflights and let the calling origin read responses, credentials included."""

    def answer(request: Request) -> Response:
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS":
            response = Response(204)
            wanted = request.headers.get("Access-Control-Request-Headers")
            if wanted:
                response.with_header("Access-Control-Allow-Headers", wanted)
            response.with_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            response.with_header("Access-Control-Max-Age", "600")
        else:
            response = handler(request)
        if origin:
            response.with_header("Access-Control-Allow-Origin", origin)
            response.with_header("Access-Control-Allow-Credentials", "true")
            response.with_header("Vary", "Origin")
        return response

    return answer


def _match(pattern: str, path: str) -> re.Match[str] | None:
    return re.fullmatch(pattern, path)


# PostHog ------------------------------------------------------------------------------

POSTHOG_CONFIG: dict[str, Any] = {
    "supportedCompression": ["gzip", "gzip-js"],
    "autocapture_opt_out": False,
    "autocaptureExceptions": False,
    "capturePerformance": False,
    "heatmaps": False,
    "surveys": False,
    "siteApps": [],
    "elementsChainAsString": True,
    "analytics": {"endpoint": "/i/v0/e/"},
    "sessionRecording": {
        "endpoint": "/s/",
        "consoleLogRecordingEnabled": False,
        "recorderVersion": "v2",
        "sampleRate": None,
        "minimumDurationMilliseconds": None,
        "linkedFlag": None,
        "networkPayloadCapture": None,
        "urlTriggers": [],
        "urlBlocklist": [],
        "eventTriggers": [],
        "scriptConfig": None,
    },
}


def posthog_assets(request: Request) -> Response:
    """us-assets.i.posthog.com: the loader's array.js, lazily loaded extensions, config."""
    if found := _match(rf"/static/(?:[0-9.]+/)?({_FILE_NAME}\.js)", request.path):
        return npm_file(f"posthog-js/dist/{found.group(1)}")
    if found := _match(r"/array/([A-Za-z0-9_-]+)/config(\.js)?", request.path):
        token, as_script = found.groups()
        if not as_script:
            return json_response({"token": token, **POSTHOG_CONFIG})
        config = json.dumps({"token": token, **POSTHOG_CONFIG})
        body = (
            "(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};"
            f"window._POSTHOG_REMOTE_CONFIG[{json.dumps(token)}]={{config:{config},"
            "siteApps:[]}})();"
        )
        return text(body, content_type=JAVASCRIPT)
    return text("404\n", 404)


def posthog_api(request: Request) -> Response:
    """us.i.posthog.com: flags (with the remote config) and every capture endpoint."""
    if request.path.rstrip("/") in ("/flags", "/decide"):
        return json_response(
            {
                **POSTHOG_CONFIG,
                "featureFlags": {},
                "featureFlagPayloads": {},
                "flags": {},
                "errorsWhileComputingFlags": False,
                "requestId": random_token(8),
            }
        )
    return json_response({"status": 1})


# Mixpanel -----------------------------------------------------------------------------


def mixpanel_cdn(request: Request) -> Response:
    """cdn.mxpnl.com: the snippet's library and the async recorder/targeting modules."""
    if request.path == "/libs/mixpanel-2-latest.min.js":
        return npm_file("mixpanel-browser/dist/mixpanel.min.js")
    if found := _match(rf"/libs/(mixpanel-(?:recorder|targeting)-{_FILE_NAME}\.js)", request.path):
        return npm_file(f"mixpanel-browser/dist/async-modules/{found.group(1)}")
    return text("404\n", 404)


def mixpanel_api(request: Request) -> Response:
    """api-js.mixpanel.com: /track, /engage, /groups, /record and the flags endpoint."""
    if request.path.rstrip("/") == "/flags":
        return json_response({"flags": {}})
    if request.param("verbose") == "1":
        return json_response({"status": 1, "error": None})
    return text("1", content_type="text/plain")


# Amplitude ----------------------------------------------------------------------------


def amplitude_cdn(request: Request) -> Response:
    """cdn.amplitude.com: the snippet's pre-gzipped library."""
    if _match(r"/libs/analytics-browser-[0-9.]+-min\.js\.gz", request.path):
        return gzipped_npm_file("@amplitude/analytics-browser/lib/scripts/amplitude-min.js.gz")
    return text("404\n", 404)


def amplitude_api(request: Request) -> Response:
    """api2.amplitude.com: the HTTP API's answer to an upload."""
    return json_response(
        {
            "code": 200,
            "server_upload_time": int(time.time() * 1000),
            "payload_size_bytes": len(request.body),
        }
    )


def amplitude_config(request: Request) -> Response:
    """sr-client-cfg.amplitude.com: remote configuration with nothing switched on remotely."""
    return json_response({"configs": {"analyticsSDK": {"browserSDK": {}}}})


# Segment ------------------------------------------------------------------------------


def segment_settings(write_key: str, urls: WorldUrls) -> dict[str, Any]:
    """The source settings the CDN returns: send everything to our api.segment.io."""
    return {
        "integrations": {
            "Segment.io": {
                "apiKey": write_key,
                "apiHost": f"{SEGMENT_API}:{urls.https_port}/v1",
                "protocol": "https",
                "unbundledIntegrations": [],
                "addBundledMetadata": True,
                "maybeBundledConfigIds": {},
                "versionSettings": {"version": "4.4.7", "componentTypes": ["browser"]},
            }
        },
        "plan": {
            "track": {"__default": {"enabled": True, "integrations": {}}},
            "identify": {"__default": {"enabled": True}},
            "group": {"__default": {"enabled": True}},
        },
        "edgeFunction": {},
        "analyticsNextEnabled": True,
        "middlewareSettings": {},
        "enabledMiddleware": {},
        "metrics": {"sampleRate": 0},
        "legacyVideoPluginsEnabled": False,
        "remotePlugins": [],
    }


def segment_cdn(urls: WorldUrls) -> Handler:
    """cdn.segment.com: the loader's library, its lazily loaded chunks and the settings."""

    def answer(request: Request) -> Response:
        path = request.path
        if _match(r"/analytics\.js/v1/[A-Za-z0-9]+/analytics\.min\.js", path):
            return npm_file("@segment/analytics-next/dist/umd/standalone.js")
        if found := _match(rf"/analytics-next/bundles/({_FILE_NAME}\.js)", path):
            return npm_file(f"@segment/analytics-next/dist/umd/{found.group(1)}")
        if found := _match(r"/v1/projects/([A-Za-z0-9]+)/settings", path):
            return json_response(segment_settings(found.group(1), urls))
        return text("404\n", 404)

    return answer


def segment_api(request: Request) -> Response:
    """api.segment.io: every /v1/<type> call and batch."""
    return json_response({"success": True})


# OpenReplay ---------------------------------------------------------------------------


def openreplay_cdn(request: Request) -> Response:
    """static.openreplay.com: the tracker's ES module build."""
    if _match(r"/[0-9.]+/tracker\.js", request.path):
        return npm_file("@openreplay/tracker/dist/lib/entry.js")
    return text("404\n", 404)


def openreplay_api(request: Request) -> Response:
    """api.openreplay.com/ingest: session start, then 200 to every batch of messages."""
    if request.path.rstrip("/") == "/ingest/v1/web/start":
        now = int(time.time() * 1000)
        return json_response(
            {
                "token": random_token(),
                "userUUID": random_token(),
                "sessionID": str(now),
                "projectID": "7",
                "beaconSizeLimit": 3_000_000,
                "compressionThreshold": 24_000,
                "startTimestamp": now,
                "timestamp": now,
                "delay": 0,
            }
        )
    if request.path.rstrip("/").startswith("/ingest/v1/web/conditions"):
        return json_response({"conditions": []})
    return Response(200)


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for every vendor host of the real libraries."""
    answers: dict[str, Callable[[Request], Response]] = {
        POSTHOG_ASSETS: posthog_assets,
        POSTHOG_API: posthog_api,
        MIXPANEL_CDN: mixpanel_cdn,
        MIXPANEL_API: mixpanel_api,
        AMPLITUDE_CDN: amplitude_cdn,
        AMPLITUDE_API: amplitude_api,
        AMPLITUDE_CONFIG: amplitude_config,
        SEGMENT_CDN: segment_cdn(urls),
        SEGMENT_API: segment_api,
        OPENREPLAY_CDN: openreplay_cdn,
        OPENREPLAY_API: openreplay_api,
    }
    return {host: with_cors(answer) for host, answer in answers.items()}
