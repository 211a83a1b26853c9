"""lynx.logger(): templates, typed fields, levels, origins."""

import datetime
import sys
import threading

import pytest

import lynx


def test_fields_are_typed_and_named_by_the_template(engine, read):
    log = lynx.logger("orders")
    log.info("order {id} placed by {user}", id=17, user="bob")
    (r,) = read(engine)
    assert r["msg"] == "order 17 placed by bob"
    assert r["fields"] == {"id": 17, "user": "bob"}
    assert r["logger"] == "orders" and r["level"] == "info"
    assert r["file"] == __file__ and r["function"] == "test_fields_are_typed_and_named_by_the_template"
    assert r["line"] == sys._getframe().f_lineno - 6


def test_value_types(engine, read):
    log = lynx.logger("types")
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc)
    log.info("{i} {big} {neg} {f} {b} {s} {n} {raw} {when} {lst} {mixed} {d} {empty} {nested}",
             i=1, big=2**64 - 1, neg=-5, f=2.5, b=False, s="é", n=None, raw=b"\x00\xff",
             when=when, lst=[1, 2, 3], mixed=[1, "a", None], d={"k": [1.5, 2.5], "ok": True},
             empty=[], nested=[{"a": 1}, {"a": 2}])
    (r,) = read(engine)
    f = r["fields"]
    assert f["i"] == 1 and f["big"] == 2**64 - 1 and f["neg"] == -5
    assert f["f"] == 2.5 and f["b"] is False and f["s"] == "é" and f["n"] is None
    assert f["raw"] == [0, 255]
    assert f["when"] == "2026-01-02T03:04:05.123456000Z"
    assert f["lst"] == [1, 2, 3]
    assert f["mixed"] == [1, "a", None]
    assert f["d"] == {"k": [1.5, 2.5], "ok": True}
    assert f["empty"] == []
    assert f["nested"] == [{"a": 1}, {"a": 2}]


def test_other_objects_are_their_str(engine, read):
    class Thing:
        def __str__(self):
            return "a thing"

    lynx.logger("types").info("{t} {huge}", t=Thing(), huge=2**80)
    (r,) = read(engine)
    assert r["fields"] == {"t": "a thing", "huge": str(2**80)}


def test_keywords_not_in_the_template_are_fields_after_the_message(engine, read):
    lynx.logger("orders").info("order {id} placed", id=3, region="eu", retry=False)
    (r,) = read(engine)
    assert r["msg"] == "order 3 placed region=eu retry=false"
    assert r["fields"] == {"id": 3, "region": "eu", "retry": False}


def test_positional_placeholders_and_specs(engine, read):
    lynx.logger("orders").info("{} took {ms:.1f} ms", "load", ms=12.345)
    (r,) = read(engine)
    assert r["msg"] == "load took 12.3 ms"
    assert r["fields"] == {"arg0": "load", "ms": 12.345}


def test_levels_and_logger_threshold(engine, read):
    log = lynx.logger("levels")
    log.set_level("warn")
    log.info("not written")
    log.debug("not written")
    log.warning("w")
    log.error("e")
    log.critical("c")
    log.log("error", "by name")
    log.set_level("trace")
    log.trace("t")
    log.log(20, "logging.INFO")
    assert log.enabled("trace") and log.level == "trace"
    levels = [(r["level"], r["msg"]) for r in read(engine)]
    assert levels == [("warn", "w"), ("error", "e"), ("critical", "c"), ("error", "by name"),
                      ("trace", "t"), ("info", "logging.INFO")]


def test_exception_carries_the_traceback(engine, read):
    try:
        raise KeyError("missing")
    except KeyError:
        lynx.logger("errors").exception("lookup failed for {key}", key="k")
    (r,) = read(engine)
    assert r["level"] == "error"
    assert "KeyError: 'missing'" in r["fields"]["exception"]
    assert "Traceback" in r["fields"]["exception"]


def test_bad_templates_raise_value_error(engine):
    log = lynx.logger("bad")
    with pytest.raises(ValueError, match=r"placeholder \{user\} has no keyword"):
        log.info("by {user}")
    with pytest.raises(ValueError, match="unmatched"):
        log.info("open {brace", brace=1)
    with pytest.raises(ValueError, match="positional"):
        log.info("{} and {}", 1)
    with pytest.raises(ValueError, match="twice"):
        log.info("{a} {a}", a=1)
    with pytest.raises(TypeError):
        log.info(42)


def test_one_call_site_per_shape(engine, read):
    log = lynx.logger("sites")
    before = lynx._lynx._site_count()
    for i in range(100):
        log.info("n {n}", n=i)  # one site: same template, place and types
    after_ints = lynx._lynx._site_count()
    for v in (1, "one", 1.0):
        log.info("v {v}", v=v)  # three sites: the type is part of the site
    assert after_ints - before == 1
    assert lynx._lynx._site_count() - after_ints == 3
    records = read(engine)
    assert [r["fields"]["v"] for r in records[100:]] == [1, "one", 1.0]


def test_long_strings_are_cut_as_in_cpp(logdir, read):
    with lynx.Engine(directory=str(logdir), name="cut", max_string_bytes=10,
                     crash_handler=False) as e:
        lynx.logger("cut").info("{s} {l}", s="x" * 100, l=["y" * 50])
        e.flush()
    (r,) = read()
    assert r["fields"]["s"] == "x" * 10 + "…[cut 100 bytes]"
    assert r["fields"]["l"] == ["y" * 10 + "…[cut 50 bytes]"]


def test_threads_log_into_their_own_rings(engine, read):
    log = lynx.logger("threads")

    def work(t):
        for i in range(500):
            log.info("t {t} i {i}", t=t, i=i)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = read(engine)
    assert len(records) == 2000
    by_thread = {}
    for r in records:
        by_thread.setdefault(r["fields"]["t"], []).append(r["fields"]["i"])
        assert r["pid"] > 0 and r["thread"] > 0
    assert {t: sorted(v) for t, v in by_thread.items()} == {t: list(range(500)) for t in range(4)}
    assert all(v == sorted(v) for v in by_thread.values())  # each thread's records in order
    assert len({r["thread"] for r in records}) == 4


def test_one_logger_object_per_name():
    assert lynx.logger("same") is lynx.logger("same")
    assert lynx.logger("same").name == "same" and isinstance(lynx.logger("same").id, int)
    with pytest.raises(TypeError):
        lynx.Logger()
    with pytest.raises(ValueError, match="not a level"):
        lynx.logger("same").set_level("loud")


def test_disabled_calls_do_not_look_at_their_arguments(engine, read):
    log = lynx.logger("disabled")
    log.set_level("error")
    log.info("{missing}")  # would be a ValueError if the call went past the level check
    log.info(42)
    assert read(engine) == []
