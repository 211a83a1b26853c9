"""structlog writing through lynx.

    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
                    lynx.structlog.render],
        logger_factory=lynx.structlog.LoggerFactory())

`render` is the last processor: it hands the event dict to the logger, which writes one lynx
record: the event (braces escaped) is the message, every other key a typed field (shown after
the message as key=value), the level from the method called (or the "level" key), the file,
line and function of the code that called structlog. Exceptions rendered by
structlog.processors.format_exc_info arrive as the field `exception`. lynx.context() fields are
carried as for any record.
"""

from __future__ import annotations

import sys

from lynx import _lynx

_LEVELS = {
    "trace": 0, "debug": 1, "info": 2, "msg": 2, "warn": 3, "warning": 3, "error": 4,
    "err": 4, "exception": 4, "critical": 5, "fatal": 5, "failure": 4,
}
_SKIP = ("structlog", "lynx.structlog")


def render(logger, method_name, event_dict):
    """The final processor: pass the event dict on to LynxLogger unchanged."""
    return event_dict


def _origin():
    f = sys._getframe(2)
    while f is not None and f.f_globals.get("__name__", "").startswith(_SKIP):
        f = f.f_back
    if f is None:
        return "", "", 0
    code = f.f_code
    return code.co_filename, getattr(code, "co_qualname", code.co_name), f.f_lineno


class LynxLogger:
    """What LoggerFactory makes: one method per level, each taking the event dict."""

    __slots__ = ("_logger", "_templates")

    def __init__(self, name="structlog"):
        self._logger = _lynx.logger(name)
        self._templates = {}

    def _write(self, level, event_dict):
        fields = dict(event_dict)
        event = fields.pop("event", "")
        lv = fields.pop("level", None)
        if isinstance(lv, str):
            level = _LEVELS.get(lv.lower(), level)
        if not isinstance(event, str):
            event = str(event)
        template = self._templates.get(event)
        if template is None:
            template = event.replace("{", "{{").replace("}", "}}")
            if len(self._templates) < 4096:
                self._templates[event] = template
        file, function, line = _origin()
        _lynx._emit(self._logger, level, template, (), fields, file, function, line)

    def __getattr__(self, name):
        level = _LEVELS.get(name)
        if level is None:
            raise AttributeError(name)

        def method(event_dict=None, **kw):
            self._write(level, event_dict if event_dict is not None else kw)
        return method


class LoggerFactory:
    """structlog.configure(logger_factory=LoggerFactory()): loggers named as asked, else
    `default_name`."""

    def __init__(self, default_name="structlog"):
        self.default_name = default_name

    def __call__(self, *args):
        name = args[0] if args and isinstance(args[0], str) else self.default_name
        return LynxLogger(name)
