"""lynx.context(): contextvars-based fields, per thread and per asyncio task."""

import asyncio
import threading

import lynx


def test_context_fields_nest_and_shadow(engine, read):
    log = lynx.logger("ctx")
    with lynx.context(request_id="r1", user="ann"):
        log.info("outer")
        with lynx.context(user="bob", step=2):
            log.info("inner")
            assert lynx.get_context() == {"request_id": "r1", "user": "bob", "step": 2}
        log.info("outer again")
    log.info("none")
    records = read(engine)
    assert [r.get("ctx") for r in records] == [
        {"request_id": "r1", "user": "ann"},
        {"request_id": "r1", "user": "bob", "step": 2},
        {"request_id": "r1", "user": "ann"},
        None,
    ]


def test_trace_ids_are_top_level(engine, read):
    with lynx.context(trace_id="4bf92f3577b34da6a3ce929d0e0e4736", span_id="00f067aa0ba902b7"):
        lynx.logger("ctx").info("traced")
    (r,) = read(engine)
    assert r["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert r["span_id"] == "00f067aa0ba902b7"


def test_bind_unbind_and_decorator(engine, read):
    log = lynx.logger("ctx")
    token = lynx.bind(job=5)
    log.info("bound")
    lynx.unbind(token)

    @lynx.context(task="t")
    def job():
        log.info("decorated")

    job()
    log.info("free")
    assert [r.get("ctx") for r in read(engine)] == [{"job": 5}, {"task": "t"}, None]


def test_asyncio_tasks_keep_their_own_context(engine, read):
    log = lynx.logger("ctx.async")

    async def handle(rid):
        with lynx.context(request_id=rid):
            for step in range(5):
                log.info("step {step}", step=step, rid=rid)
                await asyncio.sleep(0)  # every task switches here, between records

    async def main():
        await asyncio.gather(*(handle(f"req-{i}") for i in range(20)))

    asyncio.run(main())
    records = read(engine)
    assert len(records) == 100
    for r in records:
        assert r["ctx"] == {"request_id": r["fields"]["rid"]}


def test_threads_do_not_share_contexts(engine, read):
    log = lynx.logger("ctx.threads")
    barrier = threading.Barrier(4)

    def work(n):
        with lynx.context(worker=n):
            barrier.wait()
            for _ in range(50):
                log.info("w {n}", n=n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = read(engine)
    assert len(records) == 200
    assert all(r["ctx"] == {"worker": r["fields"]["n"]} for r in records)


def test_context_values_are_typed(engine, read):
    with lynx.context(n=1, f=0.5, ok=True, s="x", other=[1, 2]):
        lynx.logger("ctx").info("typed")
    (r,) = read(engine)
    assert r["ctx"] == {"n": 1, "f": 0.5, "ok": True, "s": "x", "other": "[1, 2]"}
