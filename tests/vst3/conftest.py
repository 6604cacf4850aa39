"""Stops the run at once, with one clear message, when the bundle under test is missing."""

import pytest

import webstrip_host as host


def pytest_sessionstart(session):
    problem = host.missing_bundle_message(host.bundle_path())
    if problem:
        pytest.exit(problem, returncode=1)
