"""``verify explore``: step through a spec in the browser.

``model.py`` (states and successors through the explicit engine's generated
code, paths of step labels), ``why.py`` (the failing ``require`` of a disabled
binding), ``view.py`` (values, changes, invariants, swimlanes as data),
``traces.py`` (counterexamples and ITF/JSON files as paths), ``jobs.py``
(checks run from the page), ``graph.py`` (the reachable graph for Cytoscape),
``app.py`` (the Starlette routes), ``cli.py`` (the command).  ``static/``
holds htmx and Cytoscape as vendored from the npm registry (no CDN, no build
step).
"""
