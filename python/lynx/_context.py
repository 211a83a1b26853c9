"""Context fields (lynx.context) kept in a contextvars.ContextVar.

Each thread and each asyncio task sees its own value, so records carry the fields of the task
that logged them. The value is a flat tuple (name, value, name, value, ...), outer fields first,
an inner field replacing an outer one of the same name in place. The extension compares it by
identity before each record and restates the thread's lynx context (lynx::Context, shown under
"ctx" by `lynx cat --format json`; trace_id and span_id at the top level) only when it changed
(python/src/py_context.cpp).
"""

from __future__ import annotations

import contextvars
import functools
import inspect

from lynx import _lynx

_var: contextvars.ContextVar[tuple] = contextvars.ContextVar("lynx_context")
_lynx._set_context_var(_var)


def _merged(fields: dict) -> tuple:
    current = _var.get(())
    if current:
        merged = dict(zip(current[::2], current[1::2]))
        merged.update(fields)
    else:
        merged = fields
    flat = []
    for name, value in merged.items():
        flat.append(str(name))
        flat.append(value)
    return tuple(flat)


def bind(**fields) -> contextvars.Token:
    """Adds fields to the current context until unbind(token) (or the task ends)."""
    return _var.set(_merged(fields))


def unbind(token: contextvars.Token) -> None:
    """Removes what the bind() that returned `token` added."""
    _var.reset(token)


def get_context() -> dict:
    """The current context's fields."""
    current = _var.get(())
    return dict(zip(current[::2], current[1::2]))


class context:
    """`with lynx.context(request_id=rid):` -- records inside carry these fields.

    Also a decorator (for plain and async functions). Nested contexts add fields; an inner
    field shadows an outer one of the same name until the inner block ends.
    """

    __slots__ = ("_fields", "_tokens")

    def __init__(self, **fields):
        self._fields = fields
        self._tokens = []

    def __enter__(self):
        self._tokens.append(_var.set(_merged(self._fields)))
        return self

    def __exit__(self, *exc):
        _var.reset(self._tokens.pop())
        return False

    async def __aenter__(self):
        return self.__enter__()

    async def __aexit__(self, *exc):
        return self.__exit__(*exc)

    def __call__(self, fn):
        fields = self._fields
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def async_wrapper(*args, **kwargs):
                with context(**fields):
                    return await fn(*args, **kwargs)
            return async_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with context(**fields):
                return fn(*args, **kwargs)
        return wrapper
