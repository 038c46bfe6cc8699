# this folder is on sys.path through pyproject.toml ([tool.pytest.ini_options] pythonpath)
