"""Real-browser tests.

This folder is a package so that the package-scoped browser fixture (conftest.py) is torn down,
and Playwright's event loop stopped, as soon as the last browser test has run.
"""
