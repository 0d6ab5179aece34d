"""www.fpshop.test: a shop that runs the real FingerprintJS, and pages that use canvas and
WebGL innocently.

- ``/signin``: FingerprintJS (npm ``@fingerprintjs/fingerprintjs``, MIT, served unmodified
  from its CDN's host name) runs in the page, as its documentation shows; the visitor id
  goes to the shop's own back end and into the title (so a test sees that it computed).
- ``/checkout``: the same library runs inside a cross-site payment frame.
- ``/charts``: ordinary canvas and WebGL use that must not count as fingerprinting: a
  chart with a title and axis labels, read back one pixel at a time (hover) and exported
  as a JPEG thumbnail; an 8x8 badge; one label measured; a WebGL triangle that reads one
  limit. None meets the published criteria.
- ``/native-check``: the usual checks a page makes to see whether its browser's functions
  were replaced (toString, descriptors, names, prototypes); the result is the title.
"""

import json

from ..hosts import FPJS_CDN, FPSHOP, PAY_WIDGET, WorldUrls
from ..layout import document, inline_script, link_list, script
from ..messages import Handler, Request, Response, html, no_content, redirect, text
from ..router import PathRouter
from .npm_files import npm_file

FPJS_PATH = "/fingerprintjs/v5/iife.min.js"
"""The global-variable build (dist/fp.min.js) at the path its CDN gives it."""
PAGES = ("/", "/signin", "/checkout", "/charts", "/native-check")

_COMPUTE = (
    "FingerprintJS.load({monitoring: false})"  # no sampled install statistics: deterministic
    ".then((agent) => agent.get())"
    ".then((result) => {"
    "  document.title = 'device ' + result.visitorId + ' ' + Object.keys(result.components).length;"
    "  navigator.sendBeacon(%s, JSON.stringify({visitorId: result.visitorId}));"
    "});"
)

_CHARTS = r"""
const chart = document.getElementById('chart');
const c = chart.getContext('2d');
c.fillStyle = '#fff'; c.fillRect(0, 0, 600, 300);
c.fillStyle = '#333'; c.font = '16px sans-serif';
c.fillText('Monthly visits', 20, 24);
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'];
const visits = [120, 180, 150, 220, 260, 240];
c.font = '12px sans-serif';
months.forEach((month, i) => {
  c.fillStyle = '#4a90d9'; c.fillRect(60 + i * 85, 280 - visits[i], 50, visits[i]);
  c.fillStyle = '#333'; c.fillText(month, 70 + i * 85, 296);
});
const width = c.measureText('Monthly visits').width;  // one label measured, to centre it
const hover = c.getImageData(100, 200, 1, 1).data;  // what bar is under the pointer
document.getElementById('hover').textContent = hover[2] > 200 ? 'bar' : 'background';
const thumb = chart.toDataURL('image/jpeg', 0.7);  // a thumbnail for the share card
document.getElementById('thumb').src = thumb;

const badge = document.createElement('canvas');
badge.width = 8; badge.height = 8;
const b = badge.getContext('2d');
b.fillStyle = '#e33'; b.fillRect(0, 0, 8, 8); b.fillStyle = '#fff'; b.fillText('3', 1, 7);
document.getElementById('icon').href = badge.toDataURL();  // an unread-count favicon

const gl = document.getElementById('scene').getContext('webgl');
if (gl) {
  const limit = gl.getParameter(gl.MAX_TEXTURE_SIZE);
  const shader = (type, source) => {
    const s = gl.createShader(type); gl.shaderSource(s, source); gl.compileShader(s); return s;
  };
  const program = gl.createProgram();
  gl.attachShader(program, shader(gl.VERTEX_SHADER,
    'attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }'));
  gl.attachShader(program, shader(gl.FRAGMENT_SHADER,
    'precision mediump float; void main() { gl_FragColor = vec4(0.2, 0.6, 0.3, 1.0); }'));
  gl.linkProgram(program); gl.useProgram(program);
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0.8, -0.8, -0.8, 0.8, -0.8]), gl.STATIC_DRAW);
  const p = gl.getAttribLocation(program, 'p');
  gl.enableVertexAttribArray(p); gl.vertexAttribPointer(p, 2, gl.FLOAT, false, 0, 0);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  document.getElementById('limit').textContent = String(limit);
}
document.title = 'Charts ' + (screen.width > 800 ? 'wide' : 'narrow') + ' ' + Math.round(width);
"""

_NATIVE_CHECK = r"""
const failed = [];
const methods = [
  [HTMLCanvasElement.prototype, 'toDataURL'], [HTMLCanvasElement.prototype, 'toBlob'],
  [CanvasRenderingContext2D.prototype, 'getImageData'],
  [CanvasRenderingContext2D.prototype, 'measureText'],
  [CanvasRenderingContext2D.prototype, 'fillText'],
  [WebGLRenderingContext.prototype, 'getParameter'],
  [WebGL2RenderingContext.prototype, 'getSupportedExtensions'],
  [OfflineAudioContext.prototype, 'startRendering'],
  [BaseAudioContext.prototype, 'createOscillator'],
  [RTCPeerConnection.prototype, 'createOffer'],
  [Intl.DateTimeFormat.prototype, 'resolvedOptions'],
  [FontFaceSet.prototype, 'check'], [Navigator.prototype, 'getBattery'],
  [MediaDevices.prototype, 'enumerateDevices'], [Function.prototype, 'toString'],
  [Storage.prototype, 'setItem'], [Navigator.prototype, 'sendBeacon'], [window, 'fetch'],
  [XMLHttpRequest.prototype, 'open'], [Element.prototype, 'setAttribute'],
];
const getters = [
  [Navigator.prototype, 'hardwareConcurrency'], [Navigator.prototype, 'languages'],
  [Navigator.prototype, 'plugins'], [Navigator.prototype, 'deviceMemory'],
  [Screen.prototype, 'width'], [Screen.prototype, 'colorDepth'],
  [Document.prototype, 'cookie'], [HTMLImageElement.prototype, 'src'],
];
const toString = Function.prototype.toString;
const native = (fn, name) => {
  const shown = toString.call(fn);
  return shown === 'function ' + name + '() { [native code] }' && String(fn) === shown;
};
function checkFunction(fn, name, label, length) {
  if (typeof fn !== 'function') { failed.push(label + ' missing'); return; }
  if (!native(fn, name)) failed.push(label + ' toString');
  if (fn.name !== name) failed.push(label + ' name');
  if ('prototype' in fn) failed.push(label + ' prototype');
  if (length !== undefined && fn.length !== length) failed.push(label + ' length');
  if (Object.getOwnPropertyNames(fn).sort().join() !== 'length,name') failed.push(label + ' own');
  try { new fn(); failed.push(label + ' constructs'); } catch (e) { /* as a native does */ }
}
const lengths = { toDataURL: 0, getImageData: 4, getParameter: 1, setItem: 2, fetch: 1 };
for (const [owner, name] of methods) {
  const d = Object.getOwnPropertyDescriptor(owner, name);
  const label = name;
  if (!d) { failed.push(label + ' descriptor'); continue; }
  // WebIDL operations are enumerable, the language's own built-ins are not
  const builtIn = owner === Function.prototype || owner === Intl.DateTimeFormat.prototype;
  if (!d.writable || !d.configurable || d.enumerable === builtIn)
    failed.push(label + ' descriptor flags');
  checkFunction(d.value, name, label, Object.hasOwn(lengths, name) ? lengths[name] : undefined);
}
for (const [owner, name] of getters) {
  const d = Object.getOwnPropertyDescriptor(owner, name);
  const label = 'get ' + name;
  if (!d || !d.get || !d.configurable || !d.enumerable) {
    failed.push(label + ' descriptor');
    continue;
  }
  checkFunction(d.get, 'get ' + name, label, 0);
  if (d.set && !native(d.set, 'set ' + name)) failed.push('set ' + name + ' toString');
}
document.title = failed.length
  ? 'looks instrumented: ' + failed.join(', ')
  : 'looks native: ' + (methods.length + getters.length) + ' functions';
"""


def _signin(urls: WorldUrls) -> str:
    report = json.dumps(urls.https(FPSHOP, "/api/device"))
    body = (
        "<h1>Sign in</h1>\n<form method='post' action='/signin'>"
        "<label>E-mail <input name='email' type='email'></label>"
        "<button>Sign in</button></form>\n"
        + script(urls.https(FPJS_CDN, FPJS_PATH))
        + inline_script(_COMPUTE % report)
    )
    return document("Sign in", body)


def _payment_frame(urls: WorldUrls) -> str:
    report = json.dumps(urls.https(PAY_WIDGET, "/risk"))
    body = (
        "<p>Card details</p>"
        + script(urls.https(FPJS_CDN, FPJS_PATH))
        + inline_script(_COMPUTE % report)
    )
    return document("Payment", body)


def _charts() -> str:
    body = (
        "<h1>Visits</h1>\n<canvas id='chart' width='600' height='300'></canvas>\n"
        "<p>Under the pointer: <span id='hover'></span></p>\n<img id='thumb' alt=''>\n"
        "<canvas id='scene' width='200' height='200'></canvas>\n"
        "<p>Texture limit: <span id='limit'></span></p>\n" + inline_script(_CHARTS)
    )
    return document("Charts", body, head="<link id='icon' rel='icon'>\n")


def routes(urls: WorldUrls) -> dict[str, Handler]:
    """Host name -> handler for the shop, the library's CDN and the payment frame."""
    nav = link_list([(path, path.strip("/") or "home") for path in PAGES])
    pages: dict[str, str] = {
        "/": document("FP shop", f"<h1>FP shop</h1>\n<nav>{nav}</nav>"),
        "/signin": _signin(urls),
        "/checkout": document(
            "Checkout",
            "<h1>Checkout</h1>\n"
            f"<iframe src='{urls.https(PAY_WIDGET, '/card')}' width='400' height='200'></iframe>",
        ),
        "/charts": _charts(),
        "/native-check": document("Native check", inline_script(_NATIVE_CHECK)),
    }
    router = PathRouter()
    for path, page in pages.items():
        router.add(path, lambda _request, page=page: html(page))
    router.add("/api/device", lambda _request: no_content(), methods=("POST",))

    def shop(request: Request) -> Response:
        if request.scheme == "http":
            return redirect(urls.https(FPSHOP, request.target))
        return router(request)

    def cdn(request: Request) -> Response:
        if request.path == FPJS_PATH:
            return npm_file("@fingerprintjs/fingerprintjs/dist/fp.min.js")
        return text("404\n", 404)

    frame = _payment_frame(urls)

    def widget(request: Request) -> Response:
        if request.path == "/card":
            return html(frame)
        return no_content() if request.path == "/risk" else text("404\n", 404)

    return {FPSHOP: shop, FPJS_CDN: cdn, PAY_WIDGET: widget}
