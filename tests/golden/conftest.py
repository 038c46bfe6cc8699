# The golden cases are data for test_golden.py (the command line end to end),
# not property tests: keep the .spec pytest plugin from collecting them.
collect_ignore_glob = ["cases/*"]
