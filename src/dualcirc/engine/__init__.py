"""Linear-algebra engine: one LU factorisation per table, solves, local inverses, Ghosh; array backends."""
from .backend import EngineConfig, configure, current_config
from .leontief import Engine, engine_for, safe_divide

__all__ = ["Engine", "EngineConfig", "configure", "current_config", "engine_for", "safe_divide"]
