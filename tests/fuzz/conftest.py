"""The fuzz tests (quick tier).  The long tier is bench/fuzz_long.py.

The .spec files under regressions/ are inputs that crashed the checker; they
are run by test_regressions.py, not collected by the checker's pytest plugin
(which would turn each into property test items)."""
collect_ignore_glob = ["regressions/*.spec", "regressions/**/*.spec"]
