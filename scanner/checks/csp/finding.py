"""What the CSP checks report before the evaluator turns it into weaknesses."""

from __future__ import annotations

from dataclasses import dataclass

Threat = tuple[str, str]
"""Something a policy may let through, as (kind, detail); see ``evaluator._allows``."""


@dataclass(frozen=True)
class Candidate:
    """One problem one check found in one policy.

    ``threats`` say what makes it a weakness: it stands while any of them passes every other
    enforced policy of the page. Empty: no other policy can make up for it. ``severity``
    overrides the rule's usual severity (a rule whose weight depends on where it occurs).
    """

    id: str
    directive: str | None
    value: str | None
    message: str
    threats: tuple[Threat, ...] = ()
    severity: str | None = None
