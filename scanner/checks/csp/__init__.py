"""Content-Security-Policy Level 3: parse policies, match URLs, and find weaknesses."""

from .evaluator import (
    SEVERITIES,
    SEVERITY,
    Weakness,
    allows_all_inline,
    evaluate,
    evaluate_nonce_reuse,
    lower_severity,
    x_frame_options_protects,
)
from .known_hosts import ANGULAR_HOSTS, JSONP_HOSTS, find_known_host, host_patterns_overlap
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

__all__ = [
    "ANGULAR_HOSTS",
    "JSONP_HOSTS",
    "SEVERITIES",
    "SEVERITY",
    "HostSource",
    "ParseNote",
    "Policy",
    "Weakness",
    "allows_all_inline",
    "directive_allows_url",
    "evaluate",
    "evaluate_nonce_reuse",
    "find_known_host",
    "host_patterns_overlap",
    "lower_severity",
    "normalise_source",
    "parse_host_source",
    "parse_policy_list",
    "source_allows_host",
    "x_frame_options_protects",
]
