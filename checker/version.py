"""The version of svc-modelcheck, in a module of its own: parts of the
package that record it (checkpoint keys) import it without importing the
package's entry points."""
__version__ = "0.1.0"
