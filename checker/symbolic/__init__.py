"""The Z3 engines: bounded model checking, k-induction, PDR (Spacer) and plain induction over the symbolic encoding."""
