"""Formats that carry a distributed context: the SDK's is
:class:`~opentelemetry.sdk.distributedcontext.CorrelationContextHTTPTextFormat`.

A namespace v0.3 had (empty there too); import the format from
:mod:`opentelemetry.sdk.distributedcontext`.
"""

__all__: "list[str]" = []
