"""ASGI middleware (FastAPI, Starlette, any ASGI app): a lynx context per request.

    app.add_middleware(lynx.asgi.LynxMiddleware)          # FastAPI / Starlette
    app = lynx.asgi.LynxMiddleware(app)                   # any ASGI app

See lynx._request for the fields and the closing record.
"""

from __future__ import annotations

from lynx._context import _merged, _var
from lynx._request import Access, access_logger, request_fields, request_id


class LynxMiddleware:
    def __init__(self, app, logger="http", header="x-request-id"):
        self.app = app
        self.log = access_logger(logger)
        self.header = header.lower().encode("latin-1")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid_header = traceparent = None
        for key, value in scope.get("headers", ()):
            if key == self.header:
                rid_header = value.decode("latin-1")
            elif key == b"traceparent":
                traceparent = value.decode("latin-1")
        rid = request_id(rid_header)
        method, path = scope.get("method", ""), scope.get("path", "")
        access = Access(self.log, method, path)
        status = 500
        header = (self.header, rid.encode("latin-1"))

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = dict(message)
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        # The ASGI server runs each request in a task of its own: the context set here is this
        # request's alone, and the tasks it starts inherit it.
        token = _var.set(_merged(request_fields(rid, method, path, traceparent)))
        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            self.log.exception("unhandled exception in {method} {path}", method=method,
                               path=path)
            status = 500
            raise
        finally:
            access.done(status)
            _var.reset(token)
