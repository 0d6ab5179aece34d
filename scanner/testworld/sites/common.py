"""Responses shared by several sites: package JavaScript files, pixels and images."""

from functools import cache
from importlib.resources import files

from ..assets import PIXEL_GIF, png
from ..messages import GIF, JAVASCRIPT, PNG, Response


@cache
def _js_source(name: str) -> bytes:
    return files(__package__).joinpath("js", name).read_bytes()


def javascript(name: str) -> Response:
    """A JavaScript file from the package's ``js/`` folder."""
    return Response(200, _js_source(name), JAVASCRIPT)


def pixel() -> Response:
    """A 1x1 transparent GIF."""
    return Response(200, PIXEL_GIF, GIF)


def image(width: int, height: int, rgb: tuple[int, int, int]) -> Response:
    """A small generated PNG."""
    return Response(200, png(width, height, rgb), PNG)
