"""The explicit-state engine: breadth-first search over every reachable state.

    from checker.explicit.engine import check, NeedsConstants
    result = check(spec, Options())

Modules: ``layout`` (value representations, packed-int state layout),
``ctx`` (code-generation context), ``expr`` (expressions -> Python source,
iterative), ``stmts`` (action bodies -> Python source, one path per branch),
``compile`` (assembles and ``exec``s the generated module), ``runtime``
(helpers the generated code calls on cold paths), ``search`` (the one BFS
driver) over a store: ``dictstore`` (reference, checkpoints) or ``compact``
(sorted arrays; ``workers``, the ``vector`` expander); ``goals`` (which
properties a run checks), ``stop`` (stop policy, progress throttle),
``found`` (what a search found), ``verdicts`` (results and evidence from an
outcome), ``constants`` (every constant needs a value), ``memory``,
``trace`` (counterexample reconstruction), ``engine`` (entry point: picks a
store, runs the driver, assembles the report), ``simulate`` (random walks).
"""
