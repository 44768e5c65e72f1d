"""Measures: pure functions table (+ engine) -> tidy result, one module per family."""
