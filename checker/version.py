"""The checker's version (its own module, so that a checkpoint or the
language server can record it without importing the ``checker`` package's
public API)."""
__version__ = "0.1.0"
