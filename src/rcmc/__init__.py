"""Russia–China military cooperation: an open, versioned data package.

import rcmc
exercises = rcmc.load("exercises")     # typed polars DataFrame
problems = rcmc.validate()             # [] when the package is clean
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"
__all__ = ["Problem", "RcmcError", "__version__", "load", "load_all", "validate"]

if TYPE_CHECKING:
    from rcmc.errors import RcmcError
    from rcmc.loader import load, load_all
    from rcmc.problems import Problem
    from rcmc.validator import validate

_LAZY = {
    "load": "rcmc.loader",
    "load_all": "rcmc.loader",
    "validate": "rcmc.validator",
    "Problem": "rcmc.problems",
    "RcmcError": "rcmc.errors",
}


def __getattr__(name: str) -> Any:
    """Import the public API on first use so `import rcmc` stays cheap."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rcmc' has no attribute {name!r}")
