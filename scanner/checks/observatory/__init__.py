"""The MDN HTTP Observatory's tests and grade, test for test and modifier for modifier.

:func:`grade_site` runs the ten tests of MDN HTTP Observatory 1.4.8 on a :class:`Site` (what
the Observatory's retrieval collects for a host) and scores them with its table
(:data:`SCORING_VERSION`). :func:`site_from_page` builds the site from one page of a scan,
:func:`site_from_retrieval` from retrieval data (responses, Set-Cookie lines, HTML).
"""

from .exchange import CorsResponse, Headers, Hop, JarCookie, Response, ScriptElement, Site
from .grader import TEST_NAMES, ObservatoryReport, grade_site
from .page import site_from_page
from .preload import PRELOAD_LIST, is_preloaded
from .result import TestResult
from .retrieval import CookieWrite, site_from_retrieval
from .scoring import SCORING_VERSION, letter_grade, total_score

__all__ = [
    "PRELOAD_LIST",
    "SCORING_VERSION",
    "TEST_NAMES",
    "CookieWrite",
    "CorsResponse",
    "Headers",
    "Hop",
    "JarCookie",
    "ObservatoryReport",
    "Response",
    "ScriptElement",
    "Site",
    "TestResult",
    "grade_site",
    "is_preloaded",
    "letter_grade",
    "site_from_page",
    "site_from_retrieval",
    "total_score",
]
