"""Fixtures of the Python suite: an engine writing into the test's tmp_path, and the records
read back with the lynx CLI (`lynx cat --format json`), as a user would."""

import json
import os
import subprocess

import pytest

import lynx


@pytest.fixture
def logdir(tmp_path):
    return tmp_path / "logs"


@pytest.fixture
def engine(logdir):
    e = lynx.Engine(directory=str(logdir), name="test", crash_handler=False)
    yield e
    if not e.closed:
        e.close()


def cli():
    path = os.environ.get("LYNX_CLI")
    if not path:
        pytest.skip("LYNX_CLI is not set (the lynx CLI reads the files back)")
    return path


@pytest.fixture
def read(logdir):
    """read(engine) -> the records written so far, as dicts (the engine is closed first)."""

    def read_records(engine=None):
        if engine is not None and not engine.closed:
            engine.close()
        out = subprocess.run([cli(), "cat", "--format", "json", str(logdir)], check=True,
                             capture_output=True, text=True).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    return read_records
