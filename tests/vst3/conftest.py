"""Shared by the VST3 tests: the bundle under test (a session fixture), and a clear stop at once
when it is missing."""

from pathlib import Path

import pytest

import webstrip_host as host


def pytest_sessionstart(session):
    problem = host.missing_bundle_message(host.bundle_path())
    if problem:
        pytest.exit(problem, returncode=1)


@pytest.fixture(scope="session")
def bundle() -> Path:
    path = host.bundle_path()
    problem = host.missing_bundle_message(path)
    if problem:
        pytest.fail(problem, pytrace=False)
    return path
