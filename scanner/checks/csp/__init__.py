"""Content-Security-Policy Level 3: parse policies, match URLs, and find weaknesses."""

from .evaluator import (
    SEVERITIES,
    SEVERITY,
    Weakness,
    evaluate,
    evaluate_nonce_reuse,
    lower_severity,
    x_frame_options_protects,
)
from .known_hosts import ANGULAR, FLASH, JSONP, bypass_list, find_endpoint
from .policy import (
    HostSource,
    ParseNote,
    Policy,
    directive_allows_url,
    normalise_source,
    parse_host_source,
    parse_policy_list,
    source_allows_host,
)
from .script_checks import allows_all_inline

__all__ = [
    "ANGULAR",
    "FLASH",
    "JSONP",
    "SEVERITIES",
    "SEVERITY",
    "HostSource",
    "ParseNote",
    "Policy",
    "Weakness",
    "allows_all_inline",
    "bypass_list",
    "directive_allows_url",
    "evaluate",
    "evaluate_nonce_reuse",
    "find_endpoint",
    "lower_severity",
    "normalise_source",
    "parse_host_source",
    "parse_policy_list",
    "source_allows_host",
    "x_frame_options_protects",
]
