"""The one place where the array module is chosen: numpy, or CuPy when asked
for (``Options.gpu``) and a CUDA device is present (optional extra ``[gpu]``).

Only the successor computation runs on the array module; the store
(``..levels``) stays in host memory as numpy arrays.  The GPU path has not
been run on hardware in this repository's tests: they run the same code with
numpy through this indirection.
"""
from __future__ import annotations


def array_module(gpu: bool):
    """(module, name): numpy unless ``gpu`` and CuPy with a device are present."""
    import numpy
    if not gpu:
        return numpy, "numpy"
    try:
        import cupy  # type: ignore[import-not-found]
        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy, "cupy"
    except Exception:          # no CuPy, no driver, no device: the CPU is the fallback
        pass
    return numpy, "numpy (no CUDA device or CuPy not installed)"


def to_host(xp, a):
    """a numpy array of ``a``"""
    return a if xp.__name__ == "numpy" else xp.asnumpy(a)
