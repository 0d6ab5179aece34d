"""Path routing inside one host."""

from collections.abc import Iterable

from .messages import Handler, Request, Response, text


def plain_not_found(request: Request) -> Response:
    """Default 404 for a path no route matches."""
    return text(f"404 not found: {request.path}\n", 404)


class PathRouter:
    """Dispatches on the exact path, then on the method; unknown paths go to ``not_found``.

    HEAD is routed like GET (the server drops the body).
    """

    def __init__(self, not_found: Handler = plain_not_found) -> None:
        self._routes: dict[str, dict[str, Handler]] = {}
        self.not_found = not_found

    def add(self, path: str, handler: Handler, methods: Iterable[str] = ("GET",)) -> None:
        """Serve ``path`` with ``handler`` for the given methods."""
        by_method = self._routes.setdefault(path, {})
        for method in methods:
            by_method[method.upper()] = handler

    def __call__(self, request: Request) -> Response:
        by_method = self._routes.get(request.path)
        if by_method is None:
            return self.not_found(request)
        method = "GET" if request.method == "HEAD" else request.method
        handler = by_method.get(method)
        if handler is None:
            allowed = ", ".join(sorted(by_method))
            return text("405 method not allowed\n", 405).with_header("Allow", allowed)
        return handler(request)
