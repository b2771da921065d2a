"""Sphinx configuration for the OpenTelemetry Python (v0.3 API) documentation."""

project = "OpenTelemetry Python"
author = "OpenTelemetry Python authors"
release = "0.3.0"

extensions = ["sphinx.ext.autodoc", "sphinx.ext.intersphinx", "sphinx.ext.viewcode"]
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "description"
nitpicky = False
intersphinx_mapping = {}
exclude_patterns = ["_build"]
# Furo: made for reference documentation, a readable code font, the page's sections
# in a sidebar, and a column that reads well on a laptop screen.
html_theme = "furo"
html_static_path = ["_static"]
html_css_files = ["wrap-output.css"]
pygments_style = "friendly"
pygments_dark_style = "monokai"
# Re-exported names (opentelemetry.trace.Span and opentelemetry.trace.span.Span)
# make short type names in signatures ambiguous; the first match is right.
suppress_warnings = ["ref.python"]
