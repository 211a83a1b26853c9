"""Per-call cost and records/s of logging from Python: lynx against the standard logging
module writing to a file, structlog rendering JSON to a file, and loguru writing to a file.

One question: what does a log call cost the Python program? Each contender logs the same
record (a message with an int and a str) to a file in a temporary directory. Per-call cost is
the time of the calling loop divided by the calls (what the application thread pays); "to disk"
adds the final flush (for lynx, the backend thread writing and compressing everything). Each
measurement is repeated (rounds, alternating contenders) and the median is printed, with p10 and
p90 of the rounds, and the ratio to the standard module taken from the same rounds.

    /usr/bin/python3 bench/python/bench_python.py [--calls N] [--rounds R] [--threads T]

Needs the lynx module on PYTHONPATH (build/python of a build, or an installed wheel);
contenders whose package is missing are left out.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import threading
import time

import lynx


def lynx_api(tmp):
    engine = lynx.Engine(directory=os.path.join(tmp, "lynx"), name="bench", crash_handler=False)
    log = lynx.logger("bench")

    def call(i):
        log.info("order {id} placed by {user}", id=i, user="bob")

    return call, engine.flush, engine.close


def lynx_handler(tmp):
    engine = lynx.Engine(directory=os.path.join(tmp, "lynxh"), name="bench", crash_handler=False)
    log = logging.getLogger("bench.lynx")
    log.propagate = False
    log.setLevel(logging.INFO)
    handler = lynx.Handler()
    log.addHandler(handler)

    def call(i):
        log.info("order %s placed by %s", i, "bob")

    def close():
        log.removeHandler(handler)
        engine.close()

    return call, engine.flush, close


def std_logging(tmp):
    log = logging.getLogger("bench.std")
    log.propagate = False
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(os.path.join(tmp, "std.log"))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    log.addHandler(handler)

    def call(i):
        log.info("order %s placed by %s", i, "bob")

    def close():
        log.removeHandler(handler)
        handler.close()

    return call, handler.flush, close


def structlog_json(tmp):
    import structlog

    f = open(os.path.join(tmp, "structlog.json"), "w")
    log = structlog.wrap_logger(
        structlog.WriteLogger(f),
        processors=[structlog.processors.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso"),
                    structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))

    def call(i):
        log.info("order placed", id=i, user="bob")

    return call, f.flush, f.close


def loguru_file(tmp):
    from loguru import logger

    logger.remove()
    sink = logger.add(os.path.join(tmp, "loguru.log"), level="INFO",
                      format="{time} {level} {name} {message}")

    def call(i):
        logger.info("order {} placed by {}", i, "bob")

    def close():
        logger.remove(sink)

    return call, lambda: None, close


CONTENDERS = [("lynx", lynx_api, None), ("lynx.Handler", lynx_handler, None),
              ("logging", std_logging, None), ("structlog", structlog_json, "structlog"),
              ("loguru", loguru_file, "loguru")]


def available():
    out = []
    for name, make, module in CONTENDERS:
        if module is not None:
            try:
                __import__(module)
            except ImportError:
                print(f"# {name}: {module} is not installed, left out", file=sys.stderr)
                continue
        out.append((name, make))
    return out


def one_round(make, calls, threads, tmp):
    call, flush, close = make(tmp)
    for i in range(200):  # warm up: the thread's ring, the call site, caches
        call(i)
    flush()
    per_thread = calls // threads
    start_line = threading.Barrier(threads + 1)

    def work():
        start_line.wait()
        for i in range(per_thread):
            call(i)

    if threads == 1:
        t0 = time.perf_counter_ns()
        for i in range(per_thread):
            call(i)
        t1 = time.perf_counter_ns()
    else:
        workers = [threading.Thread(target=work) for _ in range(threads)]
        for w in workers:
            w.start()
        t0 = time.perf_counter_ns()
        start_line.wait()
        for w in workers:
            w.join()
        t1 = time.perf_counter_ns()
    flush()
    t2 = time.perf_counter_ns()
    close()
    n = per_thread * threads
    return (t1 - t0) / n, n * 1e9 / (t2 - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=50000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 8])
    args = ap.parse_args()
    contenders = available()
    print(f"# python {sys.version.split()[0]}, {args.calls} calls per round, {args.rounds} rounds,"
          " medians (p10..p90 of the rounds)")
    for threads in args.threads:
        cost = {name: [] for name, _ in contenders}
        rate = {name: [] for name, _ in contenders}
        ratio = {name: [] for name, _ in contenders}
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as tmp:
                got = {}
                for name, make in contenders:
                    got[name] = one_round(make, args.calls, threads, tmp)
                    cost[name].append(got[name][0])
                    rate[name].append(got[name][1])
                for name in got:
                    ratio[name].append(got["logging"][0] / got[name][0])
        print(f"\nthreads={threads}")
        print(f"{'contender':<14} {'ns/call':>22} {'records/s to disk':>26} {'x faster than logging':>22}")
        for name, _ in contenders:
            c = sorted(cost[name])
            r = sorted(rate[name])
            q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))]
            print(f"{name:<14} {statistics.median(c):>8.0f} ({q(c, .1):>5.0f}..{q(c, .9):>5.0f})"
                  f" {statistics.median(r):>12,.0f} ({q(r, .1):>9,.0f}..{q(r, .9):>9,.0f})"
                  f" {statistics.median(ratio[name]):>8.1f}x")


if __name__ == "__main__":
    main()
