"""A visitor's consent choice, made by DuckDuckGo's autoconsent, and what it did per page.

Each consent state is a visitor of its own (its own browser profile). One
:class:`ConsentDriver` per browser context injects autoconsent's page script into every
frame and answers its messages: which rules a frame gets, which action to take
(``optOut`` to reject, ``optIn`` to accept, none to only watch), and the self-test after a
choice. Choices are made through autoconsent's rules only: its heuristic mode, which may
click "accept" on an unknown banner, is off in every state. A banner that autoconsent
could only hide with CSS (``isCosmetic``) is recorded as such: no choice was made.

What happened on each page visit is a :class:`ConsentVisit`, kept in the page record.
With Global Privacy Control on, every request carries ``Sec-GPC: 1`` and every frame sees
``navigator.globalPrivacyControl === true`` (Chromium has neither built in).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import BrowserContext, Frame, Page
from playwright.async_api import Error as PlaywrightError

from scanner.capture import autoconsent_bundle

ACTIONS: dict[str, str | None] = {
    "before": None,
    "reject": "optOut",
    "accept": "optIn",
    "gpc": None,
}
"""What autoconsent does in each state; "before" and "gpc" only watch."""
GPC_SCRIPT = (
    "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', "
    "{get: () => true, configurable: true, enumerable: true});"
)
MAX_EVENTS = 100
"""Messages kept per page visit: a page can send the binding anything, any number of times."""
MAX_TEXT = 300
EVAL_TIMEOUT_S = 5.0
_CHOICE_RESULTS = ("optOutResult", "optInResult")


def autoconsent_config(action: str | None) -> dict[str, Any]:
    """The configuration sent to every frame (see autoconsent's ``normalizeConfig``)."""
    return {
        "enabled": True,
        "autoAction": action,
        "disabledCmps": [],
        "enablePrehide": False,  # a banner hidden before the choice is not what visitors see
        "enableCosmeticRules": True,
        "enableGeneratedRules": True,
        "enableHeuristicDetection": False,
        "heuristicMode": "off",  # never guess a button: "tier2" may click accept
        "detectRetries": 20,
        "isMainWorld": True,  # injected into the page's world: it calls CMP APIs itself
        "visualTest": False,
        "logs": {
            "lifecycle": False,
            "rulesteps": False,
            "detectionsteps": False,
            "evals": False,
            "errors": False,
            "messages": False,
            "waits": False,
        },
    }


@dataclass
class ConsentVisit:
    """What autoconsent saw and did during one page visit."""

    state: str
    action: str | None
    cmps: list[str] = field(default_factory=list)
    """CMPs detected (by rule name), in the order reported, each once."""
    popups: list[str] = field(default_factory=list)
    """CMPs whose banner (popup) was found open."""
    choice: dict[str, Any] | None = None
    """The action's result: ``{"cmp", "action", "succeeded"}``; None when none was tried."""
    done: dict[str, Any] | None = None
    """autoconsent's end: ``{"cmp", "cosmetic", "clicks", "duration_ms"}``."""
    self_test: bool | None = None
    """Whether the CMP says the choice is in force (None: no self-test ran)."""
    errors: list[str] = field(default_factory=list)
    events: int = 0
    after_choice: bool = False
    """The visitor had already made its choice (on an earlier page) when this visit began."""
    started: float = field(default_factory=time.monotonic)
    settled: asyncio.Event = field(default_factory=asyncio.Event)

    def count(self) -> bool:
        """Count one message; False once the page has sent too many to record."""
        self.events += 1
        return self.events <= MAX_EVENTS

    def as_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "action": self.action,
            "cmps": self.cmps,
            "banner_shown": bool(self.popups),
            "popups": self.popups,
            "choice": self.choice,
            "cosmetic_only": bool(self.done and self.done["cosmetic"]),
            "after_choice": self.after_choice,
            "done": self.done,
            "self_test": self.self_test,
            "errors": self.errors,
            "messages": self.events,
        }


class ConsentDriver:
    """autoconsent in one browser context, for one consent state."""

    def __init__(self, state: str) -> None:
        self.state = state
        self.action = ACTIONS[state]
        self._visits: dict[Page, ConsentVisit] = {}
        self._self_test_frames: dict[Page, Frame] = {}
        self.chosen = False
        """A choice succeeded on a page of this visitor (its later pages keep it)."""

    @classmethod
    async def of(cls, context: BrowserContext, state: str) -> ConsentDriver:
        """The context's driver, installed on first use."""
        driver: ConsentDriver | None = getattr(context, "_scanner_consent", None)
        if driver is None:
            driver = cls(state)
            context._scanner_consent = driver  # type: ignore[attr-defined]
            if state == "gpc":
                await context.set_extra_http_headers({"Sec-GPC": "1"})
                await context.add_init_script(script=GPC_SCRIPT)
            await context.expose_binding("autoconsentSendMessage", driver._on_message)
            await context.add_init_script(script=autoconsent_bundle.page_script())
        return driver

    def begin(self, page: Page) -> ConsentVisit:
        """A new visit of ``page``: messages from now on are recorded in it."""
        visit = ConsentVisit(self.state, self.action, after_choice=self.chosen)
        self._visits[page] = visit
        self._self_test_frames.pop(page, None)
        return visit

    def end(self, visit: ConsentVisit) -> None:
        """The visit is over: later messages of its page are not its own."""
        for page, current in list(self._visits.items()):
            if current is visit:
                del self._visits[page]
                self._self_test_frames.pop(page, None)

    # -- messages from the page ------------------------------------------------------

    async def _on_message(self, source: dict[str, Any], message: Any) -> None:
        page: Page = source["page"]
        frame: Frame = source["frame"]
        visit = self._visits.get(page)
        if not isinstance(message, dict):
            return
        kind = message.get("type")
        if kind == "init":
            await self._answer_init(frame, page)
            return
        if kind == "eval":  # answered always: autoconsent waits for the answer
            await self._evaluate(frame, message)
            return
        if visit is None or not visit.count():
            return
        try:
            await self._record(visit, kind, message, frame, page)
        except PlaywrightError as error:  # the frame went away meanwhile
            visit.errors.append(_text(error.message))

    async def _answer_init(self, frame: Frame, page: Page) -> None:
        rules = autoconsent_bundle.rules_for(frame.url, frame == page.main_frame)
        reply = {
            "type": "initResp",
            "config": autoconsent_config(self.action),
            "rules": {"autoconsent": rules},
        }
        await _send(frame, reply)

    async def _record(
        self, visit: ConsentVisit, kind: Any, message: dict[str, Any], frame: Frame, page: Page
    ) -> None:
        cmp = _text(message.get("cmp"))
        if kind == "cmpDetected" and cmp not in visit.cmps:
            visit.cmps.append(cmp)
        elif kind == "popupFound" and cmp not in visit.popups:
            visit.popups.append(cmp)
        elif kind in _CHOICE_RESULTS:
            visit.choice = {
                "cmp": cmp,
                "action": "optOut" if kind == "optOutResult" else "optIn",
                "succeeded": message.get("result") is True,
            }
            self.chosen = self.chosen or visit.choice["succeeded"]
            if message.get("scheduleSelfTest") is True:
                self._self_test_frames[page] = frame
        elif kind == "autoconsentDone":
            visit.done = {
                "cmp": cmp,
                "cosmetic": message.get("isCosmetic") is True,
                "clicks": _count(message.get("totalClicks")),
                "duration_ms": _count(message.get("duration")),
            }
            test_frame = self._self_test_frames.pop(page, None)
            if test_frame is not None:
                await _send(test_frame, {"type": "selfTest"})
            else:
                visit.settled.set()
        elif kind == "selfTestResult":
            visit.self_test = message.get("result") is True
            visit.settled.set()
        elif kind == "autoconsentError":
            visit.errors.append(_text(message.get("details")))
        elif kind == "report" and message.get("mainFrame") is True:
            state = message.get("state")
            lifecycle = state.get("lifecycle") if isinstance(state, dict) else None
            if lifecycle in ("nothingDetected", "done") and visit.done is None:
                visit.settled.set()

    @staticmethod
    async def _evaluate(frame: Frame, message: dict[str, Any]) -> None:
        """autoconsent asks its host to run a snippet in the frame (a CMP's JS API)."""
        code = message.get("code")
        result: Any = False
        if isinstance(code, str):
            try:
                result = await asyncio.wait_for(frame.evaluate(code), EVAL_TIMEOUT_S)
            except (PlaywrightError, TimeoutError):
                result = False
        await _send(frame, {"type": "evalResp", "id": _text(message.get("id")), "result": result})


async def _send(frame: Frame, message: dict[str, Any]) -> None:
    """Hand a message to autoconsent in ``frame`` (a page may have removed the function)."""
    with contextlib.suppress(PlaywrightError):
        await frame.evaluate(
            "m => window.autoconsentReceiveMessage && window.autoconsentReceiveMessage(m)",
            message,
        )


def _text(value: object) -> str:
    return str(value)[:MAX_TEXT] if value is not None else ""


def _count(value: object) -> int:
    return int(value) if isinstance(value, int | float) and 0 <= value < 10**9 else 0
