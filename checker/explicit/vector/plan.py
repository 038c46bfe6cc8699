"""Which back end expands the chunks: the rule of ``--backend``.

* ``scalar`` (default): the generated Python code, state by state.
* ``vector``: the array code of this package on the compact store; actions
  (or properties) it cannot vectorise run their scalar code, and the report
  says which and why.
* ``auto``: ``vector`` when it applies whole -- every action and every
  checked invariant vectorises, no temporal property, no symmetry reduction,
  one process, no checkpoints -- else exactly what ``scalar`` does.

Impossible combinations are errors (exit code 2), as for ``--store``.
"""
from __future__ import annotations

BACKENDS = ("scalar", "vector", "auto")


def plan_backend(prog, options, need_graph: bool, want_invs):
    """(VectorProgram or None, note or None)"""
    from ..errors import StoreOptionError
    backend = options.backend
    if backend not in BACKENDS:
        raise StoreOptionError(f"--backend {backend}: unknown back end; choose scalar, vector or auto")
    if options.por:
        _check_por(prog, options, need_graph)
        backend = "vector"
    if backend == "scalar":
        return None, None
    explicit = backend == "vector"
    if options.workers > 1:
        if explicit:
            raise StoreOptionError(f"--backend vector runs in one process: drop --workers {options.workers}")
        return None, None
    if options.checkpoint_dir is not None or options.resume_dir is not None:
        if explicit:
            raise StoreOptionError("--checkpoint/--resume: not supported with --backend vector")
        return None, None
    if need_graph:
        return None, ("--backend vector: temporal properties are checked on the reference dict "
                      "store (they need the whole state graph)") if explicit else None
    if prog.symmetry is not None:
        return None, ("--backend vector: symmetry reduction runs on the scalar code "
                      "(canonical forms are not vectorised)") if explicit else None
    from .expander import VectorProgram
    vprog = VectorProgram(prog)
    if options.por:
        from .por import Reduction
        spec = prog.spec
        visible = [spec.invariants[k].expr for k in want_invs]
        visible += [g.expr for g in getattr(spec, "reachables", ())]
        scalar = [ai for ai, b in enumerate(vprog.actions) if b is None]
        vprog.reduction = Reduction(spec, prog.bindings, visible, scalar)
        return vprog, vprog.report() + "; " + vprog.reduction.report()
    if not explicit and not vprog.fully_vectorised(want_invs):
        return None, None
    note = vprog.report()
    if options.gpu:
        from .xp import array_module
        note += f"; array module: {array_module(True)[1]}"
    return vprog, note


def _check_por(prog, options, need_graph: bool) -> None:
    from ..errors import StoreOptionError
    if need_graph:
        raise StoreOptionError("--por: temporal properties are not checked under partial-order "
                               "reduction (only invariants, reachability goals, typeok and deadlock); "
                               "leave out --por or choose the properties with --property")
    if prog.symmetry is not None:
        raise StoreOptionError("--por: not combined with symmetry reduction; add --no-symmetry")
    if options.workers > 1:
        raise StoreOptionError(f"--por runs in one process: drop --workers {options.workers}")
    if options.checkpoint_dir is not None or options.resume_dir is not None:
        raise StoreOptionError("--checkpoint/--resume: not supported with --por")


def make_expander(vprog, options):
    """the factory ``compact.bfs_compact`` calls"""
    from .expander import VectorExpander
    from .xp import array_module
    xp, _name = array_module(options.gpu)

    def make(prog, codec, levels):
        return VectorExpander(vprog, codec, xp, levels, getattr(vprog, "reduction", None))
    return make
