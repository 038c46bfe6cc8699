"""svc-modelcheck: a model checker for service designs."""
__version__ = "0.1.0"
