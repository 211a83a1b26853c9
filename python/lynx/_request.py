"""What the web middlewares share: the request's context fields and its closing record.

Each request runs inside a lynx context with request_id (the X-Request-ID header when it is a
sane value, else a new random id), method and path, and trace_id / span_id from a W3C
`traceparent` header; the response gets the X-Request-ID header. When the response is done
one record is written to the logger "http" (by default):
    "{method} {path} {status} {duration_ms:.3f} ms"
with status and duration_ms as fields (error level for status >= 500, warn for >= 400).
"""

from __future__ import annotations

import re
import time
import uuid

import lynx

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")


def request_id(header: str | None) -> str:
    """The client's X-Request-ID when it is 1-128 safe characters, else a new random one."""
    if header and _REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def trace_fields(traceparent: str | None) -> dict:
    """trace_id and span_id of a valid W3C traceparent header (version 00), else nothing."""
    if not traceparent:
        return {}
    m = _TRACEPARENT.fullmatch(traceparent.strip())
    if not m or m.group(1) == "ff":
        return {}
    trace_id, span_id = m.group(2), m.group(3)
    if trace_id == "0" * 32 or span_id == "0" * 16:
        return {}
    return {"trace_id": trace_id, "span_id": span_id}


def request_fields(rid: str, method: str, path: str, traceparent: str | None) -> dict:
    fields = {"request_id": rid, "method": method, "path": path}
    fields.update(trace_fields(traceparent))
    return fields


class Access:
    """Times one request and writes its closing record."""

    __slots__ = ("_log", "_start", "method", "path")

    def __init__(self, log, method, path):
        self._log = log
        self._start = time.perf_counter()
        self.method = method
        self.path = path

    def done(self, status: int) -> None:
        ms = (time.perf_counter() - self._start) * 1000.0
        log = self._log
        write = log.error if status >= 500 else log.warn if status >= 400 else log.info
        write("{method} {path} {status} {duration_ms:.3f} ms", method=self.method,
              path=self.path, status=status, duration_ms=ms)


def access_logger(name):
    return lynx.logger(name) if isinstance(name, str) else name
