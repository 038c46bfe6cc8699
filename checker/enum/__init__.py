"""The enum cross-check engine: the symbolic encoding (checker/symbolic/encode.py)
enumerated by Z3 state by state, every property decided on that graph."""
