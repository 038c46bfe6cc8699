"""The explicit-state engine: breadth-first search over every reachable state.

    from checker.explicit.engine import check, NeedsConstants
    result = check(spec, Options())

Modules: ``layout`` (value representations, packed-int state layout),
``ctx`` (code-generation context), ``expr`` (expressions -> Python source,
iterative), ``stmts`` (action bodies -> Python source, one path per branch),
``compile`` (assembles and ``exec``s the generated module), ``runtime``
(helpers the generated code calls on cold paths), ``search`` (BFS driver),
``trace`` (counterexample reconstruction), ``engine`` (entry point).
"""
