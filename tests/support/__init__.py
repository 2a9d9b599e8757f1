"""Helpers the tests start in other processes (scripts run with ``python -m tests.support.…``).

Nothing here is collected by pytest (no ``test_*`` files); the modules are imported by the test
process and by the subprocesses, which run with the project on PYTHONPATH.
"""
