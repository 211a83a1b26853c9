"""Bounded registries: a program logging ever-new templates does not grow without limit."""

import os
import subprocess
import sys
import textwrap

from conftest import cli

PROGRAM = textwrap.dedent("""
    import sys, lynx
    with lynx.Engine(directory=sys.argv[1], name="limits", crash_handler=False):
        log = lynx.logger("limits")
        n = 0
        while lynx._lynx._site_count() == n:  # until a call no longer makes a site
            log.info("t" + str(n) + " {v}", v=n)
            n += 1
        for i in range(n, n + 100):
            log.info("t" + str(i) + " {v}", v=i)
        print(n)
""")


def test_past_the_site_limit_records_keep_their_template_as_text(tmp_path):
    # In a process of its own: the registry is per process and this fills it.
    out = subprocess.run([sys.executable, "-c", PROGRAM, str(tmp_path)], check=True,
                         capture_output=True, text=True, env=os.environ).stdout
    logged = int(out)  # records of the loop: one per site, then one past the limit
    n = logged - 1  # the sites registered
    assert 1000 <= n <= 8192
    # Every record is readable: the registry stays inside the readers' definition budget.
    result = subprocess.run([cli(), "cat", "--format", "json", str(tmp_path)], check=True,
                            capture_output=True, text=True)
    assert result.stderr == ""
    text = result.stdout.splitlines()
    assert len(text) == logged + 100
    assert f'"msg":"t{n - 1} {n - 1}"' in text[n - 1]
    assert f'"msg":"t{n} {{v}}"' in text[n]  # the fallback site: the template as text
