"""Script hosts that quietly defeat a host allowlist in ``script-src``.

An allowlist such as ``script-src 'self' https://cdn.example`` only protects a page if every
script that every allowed host can serve is harmless. Two kinds of popular hosts break that:

- **JSONP hosts** answer requests with JavaScript built from the request itself, usually by
  wrapping data in a function name taken from a ``callback`` parameter. An attacker who can
  inject ``<script src="https://allowed.host/api?callback=alert(document.domain)//">`` runs
  their own code, and the browser allows it because the host is on the list. Tag-manager
  hosts belong here too: they serve whatever container the ``id`` in the address names,
  including one the attacker set up.
- **AngularJS hosts** serve old AngularJS (1.x) releases. Loaded into a page, AngularJS
  evaluates ``{{ ... }}`` expressions found in the HTML, so an attacker who can only inject
  markup (not script) loads the library from the allowed host and gets script execution.
  Public package CDNs (cdnjs, jsDelivr, unpkg and similar) are listed here; they are worse
  still, since anyone can publish a package with arbitrary code and load it from them.

The tuples are a curated, non-exhaustive selection written for this scanner from public
knowledge of these services; an absent host is not a safe host. Entries are host names, or
``*.`` patterns when every subdomain of a domain is affected.
"""

from __future__ import annotations

JSONP_HOSTS: tuple[str, ...] = (
    # Google: search suggestions, the APIs' "callback" parameter, Maps' loader callback.
    "www.google.com",
    "accounts.google.com",
    "suggestqueries.google.com",
    "translate.google.com",
    "maps.google.com",
    "www.googleapis.com",
    "maps.googleapis.com",
    "translate.googleapis.com",
    "www.googletagmanager.com",
    # Blogger feeds (alt=json-in-script&callback=...).
    "www.blogger.com",
    "*.blogspot.com",
    # Public APIs that honour a callback parameter.
    "api.github.com",
    "graph.facebook.com",
    "*.wikipedia.org",
    "api.flickr.com",
    "api.vk.com",
    "cdn.syndication.twimg.com",
    "vimeo.com",
    "en.gravatar.com",
)

ANGULAR_HOSTS: tuple[str, ...] = (
    "ajax.googleapis.com",
    "www.gstatic.com",
    "code.angularjs.org",
    "cdnjs.cloudflare.com",
    "*.jsdelivr.net",
    "unpkg.com",
    "esm.sh",
    "cdn.skypack.dev",
    "ga.jspm.io",
    "cdn.staticfile.org",
    "cdn.bootcdn.net",
)


def host_patterns_overlap(first: str, second: str) -> bool:
    """Whether two host patterns can name the same host (``*.`` patterns included).

    ``*.googleapis.com`` overlaps ``ajax.googleapis.com``, and ``*.jsdelivr.net`` overlaps
    ``cdn.jsdelivr.net``; two plain names overlap only when equal. As in CSP, ``*.x.com``
    does not cover ``x.com`` itself.
    """
    first, second = first.lower().rstrip("."), second.lower().rstrip(".")
    first_wild, second_wild = first.startswith("*."), second.startswith("*.")
    if first_wild and second_wild:
        return first.endswith(second[1:]) or second.endswith(first[1:]) or first == second
    if first_wild:
        return second.endswith(first[1:])
    if second_wild:
        return first.endswith(second[1:])
    return first == second


def find_known_host(host_pattern: str, known: tuple[str, ...]) -> str | None:
    """The first entry of ``known`` that ``host_pattern`` (from a policy) can reach."""
    for entry in known:
        if host_patterns_overlap(host_pattern, entry):
            return entry
    return None
