"""pytest plugin loaded before Django's settings (pyproject: addopts `-p socorg.testenv`): the test suite runs in
development mode on the embedded defaults, as `make test` does. DEBUG is off when unset (settings.py), so without
this every `pytest` started by hand would stop at the production-mode check. A DEBUG given in the environment wins.

(pytest-django still runs each test with settings.DEBUG = False, as Django's test runner does.)"""

import os

os.environ.setdefault("DEBUG", "1")
# The public site's per-IP limits count every request of the whole run from 127.0.0.1 (permission walk, schema
# tests, page scans): tests of the limits set their own rates.
os.environ.setdefault("SOCORG_PUBLIC_RATE", "100000/m")
os.environ.setdefault("SOCORG_PUBLIC_COMPLAINT_RATE", "100000/h")
