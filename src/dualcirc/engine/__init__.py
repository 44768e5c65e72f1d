"""Linear-algebra engine: one LU factorisation per table, solves, local inverses, Ghosh."""
from .leontief import Engine, engine_for, safe_divide

__all__ = ["Engine", "engine_for", "safe_divide"]
