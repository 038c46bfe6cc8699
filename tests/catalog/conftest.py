import os
import sys

sys.path.insert(0, os.path.dirname(__file__))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a long catalog run (set CATALOG_SLOW=1 to run it)")
