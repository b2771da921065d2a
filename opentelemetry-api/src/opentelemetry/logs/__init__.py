"""Logs: a placeholder namespace, as in v0.3, which had no logging API yet."""

__all__: "list[str]" = []
