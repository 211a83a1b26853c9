"""Runs the pytest suite of the Python module; exit 77 (meson's SKIP) without pytest."""
import sys

try:
    import pytest
except ImportError:
    print("pytest is not installed (Debian: python3-pytest): skipped")
    sys.exit(77)

sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-rs", *sys.argv[1:]]))
