"""LynxLogger for Python: the lynx C++ engine behind a small logging API (docs/python.md).

    import lynx
    with lynx.Engine(directory="logs", name="svc"):
        log = lynx.logger("orders")
        log.info("order {id} placed by {user}", id=17, user="bob")

A log call copies the values into the calling thread's ring and returns; formatting,
compression and I/O happen on the engine's C++ backend thread, which never takes the GIL.
Read the files with the `lynx` CLI: `lynx cat --format json logs/`.
"""

from __future__ import annotations

import atexit as _atexit
import weakref as _weakref

from lynx import _lynx
from lynx._context import bind, context, get_context, unbind
from lynx._handler import Handler

Logger = _lynx.Logger
logger = _lynx.logger
set_level = _lynx.set_level
dropped_without_engine = _lynx.dropped_without_engine

__all__ = [
    "Engine", "Handler", "Logger", "bind", "console_sink", "context", "get_context",
    "json_sink", "logger", "set_level", "text_sink", "unbind",
]

_open_engines: "_weakref.WeakSet[Engine]" = _weakref.WeakSet()


class Engine(_lynx.Engine):
    """Starts the engine: Engine(directory="logs", name="app", **options).

    Every field of lynx::Options is a keyword of the same name (docs/python.md lists them);
    durations (rotate_every, keep_for, flush_every) are seconds or datetime.timedelta, enums
    are their names ("zstd", "drop", ...), level a name or a logging level. An unknown option
    or a bad value raises ValueError naming it. Use it as a context manager, or call close():
    both write every record logged before and stop the backend. An engine still open at
    interpreter exit is closed then.
    """

    def __init__(self, **options):
        super().__init__(**options)
        _open_engines.add(self)

    def __repr__(self):
        if self.closed:
            return "<lynx.Engine (closed)>"
        o = self.options
        return f"<lynx.Engine {o['directory']}/{o['name']}>"


@_atexit.register
def _close_engines():
    for engine in list(_open_engines):
        if not engine.closed:
            engine.close()


def console_sink(**options):
    """A console sink for Engine(sinks=[...]): level, layout, colour, time, fd."""
    return {"kind": "console", **options}


def text_sink(path, **options):
    """A text file sink for Engine(sinks=[...]): level, layout, rotate_bytes, keep_files."""
    return {"kind": "text", "path": str(path), **options}


def json_sink(path, **options):
    """A JSON-lines file sink for Engine(sinks=[...]): level, rotate_bytes, keep_files."""
    return {"kind": "json", "path": str(path), **options}
