"""lynx.Handler: the standard logging module writing through lynx.

    logging.basicConfig(level=logging.INFO, handlers=[lynx.Handler()])

Each LogRecord becomes a lynx record of the lynx logger of the same name: level, file, line
and function of the call, the thread and process (the engine records the OS thread id and pid
of the thread that logs), the `%`-style message as a lynx template with its arguments as typed
fields ("order %s placed by %s" -> "order {} placed by {}", fields arg0 and arg1), `extra=`
values as fields, the exception's traceback as the field `exception` and stack_info as `stack`.
Messages that cannot be converted (a non-str msg, flags such as `%-5s`, `%c`, arguments that do
not match) are written as the field `message` with the text logging would have produced.
The standard module's levels decide what reaches the handler; the lynx logger's level is not
applied again.
"""

from __future__ import annotations

import logging
import re

from lynx import _lynx

# The attributes every LogRecord has: the rest of its __dict__ came from extra=.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName",
}

_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[-+ #0]*)(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d+))?"
    r"[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)


_FORMATTER = logging.Formatter()
# How many attributes a LogRecord has before extra= adds any (formatters add a few more).
_BASE_ATTRIBUTES = len(vars(logging.LogRecord("", 0, "", 0, "", (), None)))


def _level(levelno: int) -> int:
    if levelno < 10:
        return 0
    if levelno < 20:
        return 1
    if levelno < 30:
        return 2
    if levelno < 40:
        return 3
    if levelno < 50:
        return 4
    return 5


class _Plan:
    """A %-format message as a lynx template, and how to turn each argument into its field."""

    __slots__ = ("template", "kinds", "keys", "plain")

    def __init__(self, template, kinds, keys):
        self.template = template
        self.kinds = kinds  # per placeholder: 's' as is, 'r' repr, 'i' int, 'f' float
        self.keys = keys  # None: positional; else the mapping keys, in order
        self.plain = all(k == "s" for k in kinds)  # the arguments go as they are


def _plan(msg: str):
    """The lynx form of `msg`, or None when it has a conversion lynx does not mirror."""
    out = []
    kinds = []
    keys = []
    at = 0
    for m in _PERCENT.finditer(msg):
        out.append(msg[at:m.start()].replace("{", "{{").replace("}", "}}"))
        at = m.end()
        conv = m.group("conv")
        if conv == "%":
            if m.group(0) != "%%":
                return None
            out.append("%")
            continue
        if m.group("flags") or m.group("width") or conv == "c":
            return None
        prec = m.group("prec")
        if prec == "*":
            return None
        keys.append(m.group("key"))
        name = m.group("key") or ""
        if name and not name.isidentifier():
            return None
        if conv in "sa" or conv == "r":
            if prec is not None:
                return None
            kinds.append("r" if conv in "ra" else "s")
            out.append("{" + name + "}")
        elif conv in "diu":
            kinds.append("i")
            out.append("{" + name + "}")
        elif conv in "oxX":
            kinds.append("i")
            out.append("{" + name + ":" + conv + "}")
        else:  # e E f F g G
            kinds.append("f")
            spec = ("." + prec if prec is not None else ".6" if conv in "fFeE" else "") + conv
            out.append("{" + name + ":" + spec + "}")
    out.append(msg[at:].replace("{", "{{").replace("}", "}}"))
    named = [k for k in keys if k is not None]
    if named and len(named) != len(keys):
        return None
    if len(set(named)) != len(named):
        return None
    return _Plan("".join(out), kinds, named if named else None)


def _convert(kind, value):
    if kind == "s":
        return value
    if kind == "r":
        return repr(value)
    if kind == "i":
        return value if type(value) is int else int(value)
    return value if type(value) is float else float(value)


class Handler(logging.Handler):
    """A logging.Handler that writes each record through the running lynx engine."""

    def __init__(self, level=logging.NOTSET):
        super().__init__(level)
        self._loggers = {}
        self._plans = {}

    def _logger(self, name):
        lg = self._loggers.get(name)
        if lg is None:
            lg = self._loggers[name] = _lynx.logger(name)
        return lg

    def _fields(self, record, fields):
        # In the order extra= gave them (a set difference would shuffle them, and every order
        # would be another call site).
        d = record.__dict__
        if len(d) > _BASE_ATTRIBUTES:
            for key, value in d.items():
                if key not in _STANDARD:
                    fields[key] = value
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = (self.formatter or _FORMATTER).formatException(record.exc_info)
        if record.exc_text:
            fields["exception"] = record.exc_text
        if record.stack_info:
            fields["stack"] = record.stack_info
        return fields

    def _message(self, record):
        """The template, positional values and named values of the record's message."""
        msg, args = record.msg, record.args
        if type(msg) is str:
            plan = self._plans.get(msg)
            if plan is None and msg not in self._plans:
                plan = self._plans[msg] = _plan(msg) if len(self._plans) < 4096 else None
            if plan is not None:
                try:
                    if plan.keys is None:
                        if not args:
                            if not plan.kinds:
                                return plan.template, (), {}
                        elif type(args) is tuple and len(args) == len(plan.kinds):
                            if plan.plain:
                                return plan.template, args, {}
                            return plan.template, tuple(map(_convert, plan.kinds, args)), {}
                    elif isinstance(args, dict):
                        return plan.template, (), {
                            k: _convert(kind, args[k]) for k, kind in zip(plan.keys, plan.kinds)
                        }
                except (KeyError, TypeError, ValueError, OverflowError):
                    pass
        return "{message}", (), {"message": record.getMessage()}

    def emit(self, record):
        try:
            template, args, fields = self._message(record)
            _lynx._emit(self._logger(record.name), _level(record.levelno), template, args,
                        self._fields(record, fields), record.pathname, record.funcName or "",
                        record.lineno or 0)
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)
