"""WSGI middleware (Flask, any WSGI app): a lynx context per request.

    app.wsgi_app = lynx.wsgi.LynxMiddleware(app.wsgi_app)   # Flask
    application = lynx.wsgi.LynxMiddleware(application)     # any WSGI app

See lynx._request for the fields and the closing record (written when the response has been
sent, i.e. when the server closes the response iterable).
"""

from __future__ import annotations

from lynx._context import _merged, _var
from lynx._request import Access, access_logger, request_fields, request_id


class _Response:
    """The app's response iterable; its close() ends the request's record and context."""

    def __init__(self, body, finish):
        self._body = body
        self._finish = finish

    def __iter__(self):
        return iter(self._body)

    def close(self):
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._finish()


class LynxMiddleware:
    def __init__(self, app, logger="http", header="X-Request-ID"):
        self.app = app
        self.log = access_logger(logger)
        self.header = header
        self.environ_key = "HTTP_" + header.upper().replace("-", "_")

    def __call__(self, environ, start_response):
        rid = request_id(environ.get(self.environ_key))
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        access = Access(self.log, method, path)
        state = {"status": 500, "done": False}

        def start_with_id(status, headers, exc_info=None):
            try:
                state["status"] = int(status.split(" ", 1)[0])
            except ValueError:
                pass
            return start_response(status, [*headers, (self.header, rid)], exc_info)

        token = _var.set(_merged(request_fields(rid, method, path, environ.get("HTTP_TRACEPARENT"))))

        def finish():
            if state["done"]:
                return
            state["done"] = True
            access.done(state["status"])
            try:
                _var.reset(token)
            except ValueError:
                pass  # closed from another context: that context ends with its thread or task

        try:
            body = self.app(environ, start_with_id)
        except BaseException:
            self.log.exception("unhandled exception in {method} {path}", method=method, path=path)
            state["status"] = 500
            finish()
            raise
        return _Response(body, finish)
