# this folder is on sys.path through pyproject.toml ([tool.pytest.ini_options] pythonpath)
# the `slow` marker (the slow tier, `pytest -m slow`) is declared in pyproject.toml
