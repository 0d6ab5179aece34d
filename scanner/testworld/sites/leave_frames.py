"""Iframes that send beacons as the page around them is left.

``/leave/frames`` on the hostile site embeds two frames: one from the same site and one
from the social network (another registrable domain, so Chromium renders it in a process
of its own). Each frame's document sends, to its own host's ``/leave-sink``:

- a ``sendBeacon`` and a ``fetch(..., {keepalive: true})`` on ``pagehide``,
- a ``keepalive`` fetch on ``visibilitychange`` to hidden.

Every URL says which frame sent it, on which event, whether the browser fired that event
(``real=1``) or a script dispatched it (``real=0``), and a per-document sequence number,
so the world's request log and scan.json can be matched one request to one record.
"""

from ..layout import document, inline_script
from ..messages import Handler, Request, Response, html, no_content

FRAMES_PATH = "/leave/frames"
FRAME_PATH = "/leave-frame"
SINK_PATH = "/leave-sink"
FRAME_LABELS = ("same", "cross")
"""The ``frame`` query value of each embedded frame: same site, cross site."""

_FRAME_SCRIPT = """
let sent = 0;
function leave(event, via) {
  sent += 1;
  const query = "leave=1&frame=__LABEL__&event=" + event.type + "&via=" + via +
    "&real=" + (event.isTrusted ? 1 : 0) + "&n=" + sent;
  const body = JSON.stringify({frame: "__LABEL__", event: event.type, via: via, n: sent});
  if (via === "beacon") {
    navigator.sendBeacon("__SINK__?" + query, body);
  } else {
    fetch("__SINK__?" + query, {method: "POST", body: body, keepalive: true});
  }
}
addEventListener("pagehide", (event) => { leave(event, "beacon"); leave(event, "keepalive"); });
document.addEventListener("visibilitychange", (event) => {
  if (document.visibilityState === "hidden") leave(event, "keepalive");
});
"""


def frames_page(cross_site_frame_url: str) -> Response:
    """The page embedding a same-site and a cross-site leave frame."""
    frames = "\n".join(
        (
            f'<iframe name="same" src="{FRAME_PATH}?frame=same"></iframe>',
            f'<iframe name="cross" src="{cross_site_frame_url}"></iframe>',
        )
    )
    return html(document("Frames that leave", f"<h1>Frames that leave</h1>\n{frames}"))


def _frame(request: Request) -> Response:
    label = request.param("frame")
    if label is None or label not in FRAME_LABELS:
        return Response(404)
    code = _FRAME_SCRIPT.replace("__LABEL__", label).replace("__SINK__", SINK_PATH)
    return html(document(f"Leave frame {label}", inline_script(code)))


def frame_routes() -> dict[str, Handler]:
    """Path -> handler for a host that serves a leave frame and the sink it sends to."""
    return {FRAME_PATH: _frame, SINK_PATH: lambda request: no_content()}
