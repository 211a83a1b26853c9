"""lynx.Handler: the standard logging module writing through lynx."""

import logging
import os
import sys
import threading

import pytest

import lynx


@pytest.fixture
def std(engine):
    log = logging.getLogger("app.std")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    handler = lynx.Handler()
    log.addHandler(handler)
    yield log
    log.removeHandler(handler)


def test_percent_messages_become_templates_with_typed_fields(std, engine, read):
    std.info("order %s placed by %s for %.2f", 17, "bob", 9.5)
    line = sys._getframe().f_lineno - 1
    (r,) = read(engine)
    assert r["msg"] == "order 17 placed by bob for 9.50"
    assert r["fields"] == {"arg0": 17, "arg1": "bob", "arg2": 9.5}
    assert r["logger"] == "app.std" and r["level"] == "info"
    assert r["file"] == __file__ and r["line"] == line
    assert r["function"] == "test_percent_messages_become_templates_with_typed_fields"
    assert r["pid"] == os.getpid()


def test_levels_extra_and_named_arguments(std, engine, read):
    std.debug("d")
    std.warning("user %(user)s", {"user": "ann"}, extra={"request": 7, "tags": ["a"]})
    std.error("braces {kept} 100%%")
    std.critical("c")
    std.log(5, "below the logger's level")  # logging itself filters it
    records = read(engine)
    assert [r["level"] for r in records] == ["debug", "warn", "error", "critical"]
    w = records[1]
    assert w["msg"] == 'user ann request=7 tags=["a"]'
    assert w["fields"] == {"user": "ann", "request": 7, "tags": ["a"]}
    assert records[2]["msg"] == "braces {kept} 100%"


def test_messages_it_cannot_convert_keep_their_text(std, engine, read):
    std.info("%-5s|", "ab")
    std.info(["not", "a", "str"])
    std.info("%s and %s", "one")  # too few arguments: logging's own error path
    records = read(engine)
    assert records[0]["msg"] == "ab   |" and records[0]["fields"] == {"message": "ab   |"}
    assert records[1]["msg"] == "['not', 'a', 'str']"
    assert len(records) == 2


def test_exception_info_and_stack(std, engine, read):
    try:
        1 / 0
    except ZeroDivisionError:
        std.exception("failed %d", 3)
    std.info("here", stack_info=True)
    r, s = read(engine)
    assert r["level"] == "error" and r["fields"]["arg0"] == 3
    assert "ZeroDivisionError: division by zero" in r["fields"]["exception"]
    assert "Stack (most recent call last)" in s["fields"]["stack"]


def test_thread_ids_are_the_logging_threads(std, engine, read):
    ids = {}

    def work(n):
        ids[n] = threading.get_native_id()
        std.info("from %d", n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = read(engine)
    assert {r["fields"]["arg0"]: r["thread"] for r in records} == ids


def test_basic_config_setup(engine, read):
    root = logging.getLogger()
    old = root.handlers[:], root.level
    try:
        logging.basicConfig(level=logging.INFO, handlers=[lynx.Handler()], force=True)
        logging.getLogger("svc").info("started %s", "ok")
        logging.getLogger("svc").debug("hidden")
    finally:
        root.handlers[:] = old[0]
        root.setLevel(old[1])
    (r,) = read(engine)
    assert r["logger"] == "svc" and r["msg"] == "started ok"
