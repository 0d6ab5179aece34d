"""The content of every host of the test world, assembled into one host -> handler table."""

from ..hosts import ALL_HOSTS, WorldUrls
from ..messages import Handler
from . import (
    adnet,
    analytics,
    bench,
    consent_shop,
    control,
    cookie_jar,
    external,
    fpshop,
    hostile,
    launch,
    realshop,
    retargeting,
    shop,
    sink,
    slowvendor,
    social,
)


def build_sites(urls: WorldUrls, bench_pages: int = 0) -> dict[str, Handler]:
    """Every served host name mapped to the handler that answers for it."""
    sites: dict[str, Handler] = {}
    parts = (
        shop,
        external,
        analytics,
        retargeting,
        adnet,
        slowvendor,
        social,
        realshop,
        sink,
        control,
        cookie_jar,
        hostile,
        consent_shop,
        launch,
        fpshop,
    )
    for part in parts:
        sites.update(part.routes(urls))
    sites.update(bench.routes(urls, bench_pages))
    unknown = set(sites) - set(ALL_HOSTS)
    if unknown:  # the certificate is made from ALL_HOSTS, so it must list every served host
        raise ValueError(f"hosts missing from hosts.ALL_HOSTS: {sorted(unknown)}")
    return sites
