"""Whether a consent banner's first layer offers a refusal beside its acceptance.

A detection heuristic, used only to report (``consent-refusal-not-on-first-layer``) and
never to click: the banner is read, nothing on it is pressed. autoconsent may refuse
through a CMP's JavaScript API without any click (Klaro!, for one), so "opt-out
succeeded" says nothing about what a visitor is offered; reading the banner does.

On a page where autoconsent found a banner open, before any choice, the page script
(``first_layer.js``) lists the visible buttons, links and button-like inputs inside
dialogs, fixed or sticky boxes and elements whose id or class names a cookie banner or a
known CMP, open shadow roots included. Their texts are sorted here into refusals,
acceptances and others by small word lists in English and the main EU languages.

Limits: a refusal worded otherwise (an icon, a language not listed, a "close" cross) is
not recognised, and the banner of a CMP drawn inside a child frame is not read (only the
main frame is); controls of other fixed boxes on the page (a chat widget, a sticky
header) are read too. Both errors lean the same way for a reader of the finding: it is
raised only when an acceptance is recognised and no refusal is, so check the listed texts
before relying on it.
"""

from __future__ import annotations

import asyncio
import re
from importlib import resources
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame

MAX_ELEMENTS = 20_000
MAX_CONTROLS = 200
MAX_TEXT_CHARS = 120
MAX_LISTED = 10
"""Texts kept per kind (refusal, acceptance, other)."""
READ_TIMEOUT_S = 3.0
_SCRIPT = resources.files("scanner.capture").joinpath("first_layer.js").read_text("utf-8")
_MAX_CLASSIFIED_CHARS = 60
"""Longer texts are sentences (a notice's link), not a button's label."""

REFUSAL_PHRASES = (
    # English
    "reject", "decline", "refuse", "deny", "disagree", "opt out", "opt-out",
    "do not accept", "don't accept", "do not agree", "don't agree", "do not allow",
    "don't allow", "do not consent", "don't consent", "no thanks", "no, thanks",
    "only necessary", "necessary only", "only essential", "essential only",
    "necessary cookies only", "essential cookies only", "accept necessary",
    "accept essential", "use necessary", "without accepting", "without agreeing",
    # German
    "ablehnen", "nur notwendige", "nur essenzielle", "nur essentielle", "nur erforderliche",
    "nicht einverstanden", "nicht zustimmen", "verweigern", "ohne zustimmung",
    # French
    "refuser", "je refuse", "sans accepter", "non merci", "uniquement nécessaires",
    # Spanish
    "rechazar", "no acepto", "solo necesarias", "solo las necesarias", "solo esenciales",
    # Italian
    "rifiuta", "rifiutare", "rifiuto", "solo necessari", "senza accettare", "non accetto",
    # Dutch
    "weigeren", "weiger", "afwijzen", "alleen noodzakelijk", "alleen noodzakelijke",
    "niet akkoord",
    # Portuguese
    "rejeitar", "recusar", "apenas necessários", "apenas essenciais",
    # Polish, Swedish, Danish, Norwegian, Finnish, Czech
    "odrzuć", "tylko niezbędne", "avvisa", "neka", "avböj", "endast nödvändiga", "afvis",
    "kun nødvendige", "avslå", "bare nødvendige", "hylkää", "vain välttämättömät",
    "odmítnout", "pouze nezbytné",
)  # fmt: skip
"""Checked first: "do not accept" and "accept only necessary" are refusals."""
ACCEPTANCE_PHRASES = (
    # English
    "accept", "agree", "allow", "got it", "i understand", "understood", "that's ok",
    "thats ok", "sounds good", "fine by me", "i'm ok with that",
    # German
    "akzeptieren", "akzeptiere", "zustimmen", "zulassen", "einverstanden", "annehmen",
    "alles klar", "erlauben", "verstanden",
    # French
    "accepter", "j'accepte", "d'accord", "autoriser", "ok pour moi",
    # Spanish
    "aceptar", "acepto", "de acuerdo", "permitir",
    # Italian
    "accetta", "accettare", "accetto", "va bene", "consenti",
    # Dutch
    "accepteren", "akkoord", "toestaan",
    # Portuguese
    "aceitar", "aceito", "concordo",
    # Polish, Swedish, Danish, Norwegian, Finnish, Czech
    "akceptuj", "akceptuję", "zaakceptuj", "zgadzam", "acceptera", "godkänn", "tillåt",
    "accepter", "acceptér", "tillad", "godkend", "godta", "aksepter", "tillat", "hyväksy",
    "salli", "přijmout", "souhlasím", "povolit",
)  # fmt: skip
ACCEPTANCE_WORDS = frozenset({"ok", "okay", "yes", "continue", "oui", "ja", "sí", "si"})
"""Acceptances only as the whole label ("Continue shopping" is not one)."""


def _phrases(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(phrase) for phrase in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


_REFUSAL = _phrases(REFUSAL_PHRASES)
_ACCEPTANCE = _phrases(ACCEPTANCE_PHRASES)
_QUOTES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc", "'"))
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def classify(label: str) -> str:
    """'refusal', 'acceptance' or 'other' for a control's visible label."""
    text = " ".join(label.translate(_QUOTES).casefold().split())
    if not text or len(text) > _MAX_CLASSIFIED_CHARS:
        return "other"
    if _REFUSAL.search(text):
        return "refusal"
    if _ACCEPTANCE.search(text) or _EDGES.sub("", text) in ACCEPTANCE_WORDS:
        return "acceptance"
    return "other"


def survey(answer: object) -> dict[str, Any]:
    """The page record's ``consent_first_layer`` from what the page script returned."""
    found: dict[str, list[str]] = {"refusal": [], "acceptance": [], "other": []}
    controls = answer.get("controls") if isinstance(answer, dict) else None
    controls = controls if isinstance(controls, list) else []
    count = 0
    for control in controls[:MAX_CONTROLS]:
        label = control.get("text") if isinstance(control, dict) else None
        if not isinstance(label, str) or not label.strip():
            continue
        count += 1
        label = label.strip()[:MAX_TEXT_CHARS]
        kept = found[classify(label)]
        if label not in kept and len(kept) < MAX_LISTED:
            kept.append(label)
    truncated = isinstance(answer, dict) and answer.get("truncated") is True
    return {"controls": count, **found, "truncated": truncated, "error": None}


async def read_first_layer(frame: Frame) -> dict[str, Any]:
    """Survey the banner's first layer in ``frame`` (the page's main frame)."""
    arguments = {
        "maxElements": MAX_ELEMENTS,
        "maxControls": MAX_CONTROLS,
        "maxChars": MAX_TEXT_CHARS,
    }
    try:
        answer = await asyncio.wait_for(frame.evaluate(_SCRIPT, arguments), READ_TIMEOUT_S)
    except (PlaywrightError, TimeoutError) as error:
        why = "no answer in time" if isinstance(error, TimeoutError) else error.message
        first_line = (why.strip().splitlines() or ["unknown error"])[0][:300]
        return {**survey(None), "error": f"the banner could not be read: {first_line}"}
    return survey(answer)
