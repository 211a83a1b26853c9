"""Django middleware: a lynx context per request.

    MIDDLEWARE = ["lynx.django.LynxMiddleware", ...]   # settings.py, first in the list

Settings (optional): LYNX_ACCESS_LOGGER (default "http"). See lynx._request for the fields and
the closing record.
"""

from __future__ import annotations

from lynx._context import _merged, _var
from lynx._request import Access, access_logger, request_fields, request_id


class LynxMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.log = access_logger(getattr(settings, "LYNX_ACCESS_LOGGER", "http"))

    def __call__(self, request):
        meta = request.META
        rid = request_id(meta.get("HTTP_X_REQUEST_ID"))
        method, path = request.method or "", request.path
        access = Access(self.log, method, path)
        status = 500
        token = _var.set(_merged(request_fields(rid, method, path, meta.get("HTTP_TRACEPARENT"))))
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = rid
            return response
        finally:
            access.done(status)
            _var.reset(token)
