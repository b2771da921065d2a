"""The version of the ``opentelemetry-sdk`` distribution."""

__all__ = ["__version__"]

__version__ = "0.3.0"
