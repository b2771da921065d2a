"""The OpenTelemetry SDK: the implementation behind the API."""
