"""The consent signals a page gives its vendors, read from its CMP APIs and decoded.

Once the visitor has stayed on the page (and, in a state that chooses, after the choice),
the page's main frame is asked what its consent management platform tells vendors: the
IAB TCF v2 TC data (``__tcfapi('addEventListener', 2, cb)``; ``getTCData`` is deprecated
in TCF 2.2), the IAB GPP ping (``__gpp('ping', cb)``, GPP 1.1, until ``signalStatus`` is
``ready``) and the CCPA US Privacy string (``__uspapi('getUSPData', 1, cb)``). Each string
is decoded by :mod:`scanner.classify.consent_strings`.

Only APIs the page defines are asked, and each for :data:`ANSWER_TIMEOUT_MS` at most (all
three at once); the whole reading is bounded again from here, so a page whose API never
answers, throws, answers ten thousand times or hangs its own event loop costs at most
:data:`READ_TIMEOUT_S`. What the page answers is copied field by field into plain values:
strings longer than the decoders read (:data:`MAX_STRING_LENGTH`) are kept cut and not
decoded, values of the wrong type are reported as such.

A CMP in a child frame only (reached through ``__tcfapiLocator``) is not read: vendors in
the main frame call the main frame's API, and that is what is read here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from importlib import resources
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame

from scanner.classify.consent_strings import (
    MAX_STRING_LENGTH,
    DecodeError,
    decode_gpp_string,
    decode_tc_string,
    decode_us_privacy,
)

ANSWER_TIMEOUT_MS = 2000
"""How long each API may take to give a final answer (TCF ``tcloaded``, GPP ``ready``)."""
READ_TIMEOUT_S = 3.0
"""The whole reading, page round trip included."""
MAX_ERROR_CHARS = 300
_SCRIPT = resources.files("scanner.capture").joinpath("consent_signals.js").read_text("utf-8")
_MAX_WORD_CHARS = 64
_MAX_SECTIONS = 64

Decoder = Callable[[object], Any]


async def read_consent_signals(frame: Frame) -> tuple[dict[str, Any] | None, str | None]:
    """The page's consent signals (None when it has no TCF, GPP or US Privacy API) and
    why they could not be read, if they could not."""
    try:
        answers = await asyncio.wait_for(
            frame.evaluate(
                _SCRIPT, {"timeoutMs": ANSWER_TIMEOUT_MS, "maxChars": MAX_STRING_LENGTH}
            ),
            READ_TIMEOUT_S,
        )
    except TimeoutError:
        return None, f"the consent APIs were not read: no answer within {READ_TIMEOUT_S:g} s"
    except PlaywrightError as error:
        return None, f"the consent APIs were not read: {_line(error.message)}"
    return consent_signals(answers), None


def consent_signals(answers: object) -> dict[str, Any] | None:
    """The page record's ``consent_signals`` from what the page script returned."""
    if not isinstance(answers, dict):
        return None
    tcf, gpp, usp = (answers.get(key) for key in ("tcf", "gpp", "usp"))
    if not any(isinstance(answer, dict) for answer in (tcf, gpp, usp)):
        return None
    return {
        "tcf": _tcf(tcf) if isinstance(tcf, dict) else None,
        "gpp": _gpp(gpp) if isinstance(gpp, dict) else None,
        "us_privacy": _us_privacy(usp) if isinstance(usp, dict) else None,
    }


def _tcf(answer: dict[str, Any]) -> dict[str, Any]:
    data = _data(answer)
    return {
        **_call(answer),
        **_string_and_decoding(data.get("tcString"), "TC string", decode_tc_string, "tc_string"),
        "event_status": _word(data.get("eventStatus")),
        "cmp_status": _word(data.get("cmpStatus")),
        "gdpr_applies": _flag(data.get("gdprApplies")),
        "cmp_id": _whole(data.get("cmpId")),
    }


def _gpp(answer: dict[str, Any]) -> dict[str, Any]:
    data = _data(answer)
    sections = data.get("applicableSections")
    return {
        **_call(answer),
        **_string_and_decoding(
            data.get("gppString"), "GPP string", decode_gpp_string, "gpp_string"
        ),
        "signal_status": _word(data.get("signalStatus")),
        "gpp_version": _word(data.get("gppVersion")),
        "cmp_status": _word(data.get("cmpStatus")),
        "cmp_display_status": _word(data.get("cmpDisplayStatus")),
        "cmp_id": _whole(data.get("cmpId")),
        "applicable_sections": (
            [s for s in sections[:_MAX_SECTIONS] if _whole(s) is not None]
            if isinstance(sections, list)
            else None
        ),
    }


def _us_privacy(answer: dict[str, Any]) -> dict[str, Any]:
    data = _data(answer)
    return {
        **_call(answer),
        **_string_and_decoding(
            data.get("uspString"), "US Privacy string", decode_us_privacy, "usp_string"
        ),
        "version": _whole(data.get("version")),
    }


def _call(answer: dict[str, Any]) -> dict[str, Any]:
    """How the API answered: the callbacks it made, whether one was final, its error."""
    error = answer.get("error")
    if not isinstance(error, str) or not error:
        error = None
        if not _whole(answer.get("calls")):
            error = f"no answer within {ANSWER_TIMEOUT_MS} ms"
        elif not isinstance(answer.get("data"), dict):
            error = "answered without data"
        elif answer.get("final") is not True:
            error = f"no final answer within {ANSWER_TIMEOUT_MS} ms (the last one is kept)"
    return {
        "answers": _whole(answer.get("calls")) or 0,
        "success": _flag(answer.get("success")),
        "final": answer.get("final") is True,
        "error": _line(error) if error else None,
    }


def _string_and_decoding(value: object, what: str, decode: Decoder, key: str) -> dict[str, Any]:
    """The string as kept (cut when too long) and its decoding, or why it has none."""
    text, problem = _text(value, what)
    decoded = None
    if problem is None and text is not None:
        try:
            decoded = decode(text).to_json()
        except DecodeError as error:
            problem = str(error)
    return {key: text, "decoded": decoded, "decode_error": problem}


def _text(value: object, what: str) -> tuple[str | None, str | None]:
    """The page's string (its start, when too long) and why it cannot be decoded."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return value[:MAX_STRING_LENGTH], None
    if isinstance(value, dict) and isinstance(value.get("cut"), str):
        length = _whole(value.get("length"))
        return (
            value["cut"][:MAX_STRING_LENGTH],
            f"{what} is {length if length is not None else 'too many'} characters long, "
            f"more than the {MAX_STRING_LENGTH} read",
        )
    kind = value.get("type") if isinstance(value, dict) else None
    return None, f"{what} is not a string but {_word(kind) or 'something else'}"


def _data(answer: dict[str, Any]) -> dict[str, Any]:
    data = answer.get("data")
    return data if isinstance(data, dict) else {}


def _word(value: object) -> str | None:
    return value[:_MAX_WORD_CHARS] if isinstance(value, str) else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _whole(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if 0 <= value < 10**9 and value == int(value) else None


def _line(text: str) -> str:
    lines = text.strip().splitlines() or [""]
    return lines[0][:MAX_ERROR_CHARS]
