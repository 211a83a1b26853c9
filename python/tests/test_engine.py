"""lynx.Engine(**options): options, errors, lifetime, GIL."""

import datetime
import threading
import time

import pytest

import lynx


def test_unknown_option_is_a_value_error_naming_it(logdir):
    with pytest.raises(ValueError, match="unknown option 'shardz'"):
        lynx.Engine(directory=str(logdir), shardz=2)


@pytest.mark.parametrize("key,value,message", [
    ("shards", "two", "option 'shards' must be an int"),
    ("shards", 0, "shards"),
    ("compression", "lz4", "option 'compression' must be one of"),
    ("on_full", 1, "option 'on_full' must be a str"),
    ("flush_every", "soon", "option 'flush_every' must be a number of seconds"),
    ("level", "loud", "not a level"),
    ("crash_handler", 1, "option 'crash_handler' must be True or False"),
    ("file_mode", 0o4755, "file_mode"),
    ("sinks", [{"kind": "text"}], "needs a path"),
    ("redact_patterns", ["ssn"], "unknown detector 'ssn'"),
])
def test_bad_values_are_value_errors_naming_the_option(logdir, key, value, message):
    with pytest.raises(ValueError, match=message):
        lynx.Engine(directory=str(logdir), **{key: value})


def test_options_mirror_lynx_options(logdir, read, tmp_path):
    with lynx.Engine(directory=logdir, name="opts", shards=2, rotate_bytes=1 << 20,
                     keep_files=3, sync="on_rotate", compression="none", on_full="drop",
                     flush_every=datetime.timedelta(milliseconds=50), level="debug", io="psync",
                     buffer_bytes=1 << 16, initial_buffer_bytes=1 << 12, crash_handler=False,
                     redact_fields=["password"], redact_patterns=["email"],
                     sinks=[lynx.json_sink(tmp_path / "out.json", level="info")]) as e:
        assert e.options["shards"] == 2 and e.options["level"] == "debug"
        lynx.logger("opts").info("login {user} {password}", user="a@b.example", password="pw")
    (r,) = read()
    assert r["fields"] == {"user": "[redacted:email]", "password": "[redacted]"}
    assert (tmp_path / "out.json").read_text().count("login") == 1


def test_engine_context_manager_flush_and_stats(engine, read):
    assert not engine.closed
    lynx.logger("life").info("one")
    engine.flush()
    assert engine.stats()["records_written"] == 1
    with engine:
        pass
    assert engine.closed
    with pytest.raises(RuntimeError, match="closed"):
        engine.flush()
    assert len(read()) == 1


def test_a_second_running_engine_is_refused(engine, logdir):
    with pytest.raises(RuntimeError, match="lynx.Engine"):
        lynx.Engine(directory=str(logdir), name="second")


def test_waits_release_the_gil(logdir, read):
    # A tiny ring under OnFull::block: log calls wait for the backend, flush() and close() wait
    # too, while another Python thread keeps logging. Holding the GIL in any of these waits would
    # not deadlock (the backend never needs it), but every record must still arrive.
    e = lynx.Engine(directory=str(logdir), name="gil", buffer_bytes=4096,
                    initial_buffer_bytes=4096, on_full="block", crash_handler=False)
    stop = threading.Event()
    done = []

    def other():
        log = lynx.logger("gil.other")
        n = 0
        while not stop.is_set():
            log.info("other {n}", n=n)
            n += 1
            time.sleep(0)
        done.append(n)

    t = threading.Thread(target=other)
    t.start()
    log = lynx.logger("gil")
    for i in range(5000):
        log.info("{i} {pad}", i=i, pad="p" * 200)
    e.flush()
    stop.set()
    t.join()
    e.close()
    records = read()
    assert sum(r["logger"] == "gil" for r in records) == 5000
    assert sum(r["logger"] == "gil.other" for r in records) == done[0]
    assert e.closed
