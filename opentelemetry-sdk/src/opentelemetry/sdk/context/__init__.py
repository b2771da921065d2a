"""The SDK's additions to :mod:`opentelemetry.context`: more propagation formats."""
