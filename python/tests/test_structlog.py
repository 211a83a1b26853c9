"""lynx.structlog: structlog writing through lynx."""

import sys

import pytest

import lynx

structlog = pytest.importorskip("structlog")
import lynx.structlog as lynx_structlog  # noqa: E402


@pytest.fixture
def slog():
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
                    structlog.processors.format_exc_info, lynx_structlog.render],
        logger_factory=lynx_structlog.LoggerFactory(),
        cache_logger_on_first_use=False)
    yield structlog.get_logger("orders")
    structlog.reset_defaults()


def test_events_and_fields(slog, engine, read):
    slog.info("order placed", id=17, user="bob", total=9.5)
    line = sys._getframe().f_lineno - 1
    slog.bind(request="r1").warning("slow {x}", ms=300)
    records = read(engine)
    r = records[0]
    assert r["logger"] == "orders" and r["level"] == "info"
    assert r["msg"] == "order placed id=17 user=bob total=9.5"
    assert r["fields"] == {"id": 17, "user": "bob", "total": 9.5}
    assert r["file"] == __file__ and r["line"] == line and r["function"] == "test_events_and_fields"
    w = records[1]
    assert w["level"] == "warn" and w["msg"].startswith("slow {x}")
    assert w["fields"] == {"request": "r1", "ms": 300}


def test_exceptions_and_lynx_context(slog, engine, read):
    with lynx.context(request_id="abc"):
        try:
            raise ValueError("bad")
        except ValueError:
            slog.exception("failed")
    (r,) = read(engine)
    assert r["level"] == "error" and r["ctx"] == {"request_id": "abc"}
    assert "ValueError: bad" in r["fields"]["exception"]
