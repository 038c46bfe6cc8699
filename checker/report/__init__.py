"""Reporters: terminal text, JSON, ITF and the progress line, all rendered from a CheckResult and its evidence."""
