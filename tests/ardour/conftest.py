"""Shared by the Ardour tests: one private Ardour setup per test session (under target/), with the
bundle scanned by Ardour's own scanner, and a clear stop at once when the bundle or Ardour is
missing."""

from pathlib import Path

import pytest

import ardour_host as host


def pytest_sessionstart(session):
    problem = host.missing_message()
    if problem:
        pytest.exit(problem, returncode=1)


@pytest.fixture(scope="session")
def ardour() -> host.Ardour:
    root = host.REPO / "target" / "ardour-tests"
    setup = host.Ardour.create(root, host.bundle_path())
    scan = setup.scan()
    assert scan.returncode == 0, f"ardour-vst3-scanner failed:\n{scan.stdout}\n{scan.stderr}"
    return setup


@pytest.fixture(scope="session")
def bundle() -> Path:
    return host.bundle_path()
