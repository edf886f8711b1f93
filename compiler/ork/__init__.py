"""ork: a deterministic bundle compiler and minimal runtime for Orkestra configuration.

Reconciliation is continuous; configuration is deliberate.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
