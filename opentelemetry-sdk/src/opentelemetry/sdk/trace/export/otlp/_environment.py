"""The exporter's settings: its arguments, else the environment, else the defaults.

Each setting comes from the constructor argument when one is given, else from
the signal-specific environment variable (``OTEL_EXPORTER_OTLP_TRACES_*`` or ``_METRICS_*``),
else from the general one (``OTEL_EXPORTER_OTLP_*``), else from the default
of the OTLP exporter specification. An empty variable counts as unset. An
invalid value, from an argument or a variable, is logged as a warning and
the next source is used, so a typo never stops the application.

Secrets never reach a log line or a ``repr``: a warning about a header shows
its name at most, never its value, and none of a malformed entry; a warning
about an endpoint hides its user and password. Credentials in the endpoint
(``https://user:password@host``) are sent as HTTP Basic authentication.
"""

import base64
import logging
import re
import urllib.parse
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

__all__ = ["ExporterSettings", "resolve_settings", "shown_url"]

logger = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "http://localhost:4318"
DEFAULT_TIMEOUT_SECONDS = 10.0
#: The longest timeout accepted: an export is never meant to take an hour,
#: and much longer ones overflow the socket and lock timeouts.
MAX_TIMEOUT_SECONDS = 3600.0

_PROTOCOLS = {"http/protobuf": "protobuf", "http/json": "json"}
_ENCODINGS = ("protobuf", "json")
_COMPRESSIONS = ("gzip", "none")
# RFC 9110 field names are tokens; values may not break the header line.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
# Visible characters, space, tab and obs-text: what http.client can send (it
# encodes values as Latin-1) without corrupting the request.
_HEADER_VALUE_FORBIDDEN = re.compile(r"[^\t\x20-\x7e\x80-\xff]")
# The exporter sets these itself: a user value would corrupt the request.
_RESERVED_HEADERS = frozenset(("content-type", "content-encoding", "content-length"))


class ExporterSettings(NamedTuple):
    """Everything the exporter needs to know, resolved and valid."""

    #: Where requests go, ``/v1/traces`` included.
    url: str
    #: Extra request headers (authentication, tenant): secrets, never shown.
    headers: Dict[str, str]
    #: The most one export may take, retries included, in seconds.
    timeout: float
    #: ``"gzip"`` or ``"none"``.
    compression: str
    #: ``"protobuf"`` or ``"json"``.
    encoding: str
    #: CA certificates (PEM) that verify the server, instead of the system's.
    certificate_file: Optional[str]
    #: The client's certificate (PEM), for mutual TLS.
    client_certificate_file: Optional[str]
    #: The client certificate's private key (PEM), for mutual TLS.
    client_key_file: Optional[str]

    def __repr__(self) -> str:
        """The settings with the headers' values hidden: they hold credentials."""
        shown = self._replace(
            url=shown_url(self.url), headers={name: "<hidden>" for name in self.headers}
        )
        fields = ", ".join("{}={!r}".format(name, value) for name, value in shown._asdict().items())
        return "ExporterSettings({})".format(fields)


def _environment(environ: Mapping[str, str], name: str, signal: str) -> List[Tuple[str, str]]:
    """The set variables for setting ``name``: the signal's own (``TRACES``, ``METRICS``) first."""
    found = []
    for variable in ("OTEL_EXPORTER_OTLP_{}_{}".format(signal, name), "OTEL_EXPORTER_OTLP_" + name):
        value = environ.get(variable, "").strip()
        if value:
            found.append((variable, value))
    return found


def _valid_url(value: str) -> bool:
    try:
        parts = urllib.parse.urlsplit(value)
        port_valid = parts.port != 0  # .port raises ValueError past 65535 or for text
    except ValueError:
        return False
    return port_valid and parts.scheme in ("http", "https") and bool(parts.hostname)


def shown_url(url: str) -> str:
    """``url`` fit for a log line or a ``repr``: user, password and query values as ``***``.

    Some backends take their API key in the query string (``?api_key=...``).
    """
    scheme, separator, rest = url.partition("//")
    authority_end = min((rest.find(c) for c in "/?#" if c in rest), default=len(rest))
    if "@" in rest[:authority_end]:
        rest = "***@" + rest[rest.rindex("@", 0, authority_end) + 1 :]
    before_query, question_mark, query = rest.partition("?")
    if question_mark:
        query = query.partition("#")[0]
        query = "&".join(
            parameter.partition("=")[0] + "=***" if parameter else ""
            for parameter in query.split("&")
        )
    return scheme + separator + before_query + question_mark + query


def _redacted(endpoint: object) -> str:
    """An endpoint argument or variable for a warning: see :func:`shown_url`."""
    if not isinstance(endpoint, str):
        return "of type " + type(endpoint).__name__  # bytes could hold a password too
    return repr(shown_url(endpoint))


def _without_userinfo(url: str) -> Tuple[str, Optional[str]]:
    """``url`` without its ``user:password@``, and the Basic credentials they make (or ``None``)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    credentials = urllib.parse.unquote(user) + ":" + urllib.parse.unquote(password)
    token = base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    return urllib.parse.urlunsplit(parts._replace(netloc=host)), "Basic " + token


def _with_signal_path(base: str, signal: str) -> str:
    """``base`` with ``/v1/traces`` (``/v1/metrics``) appended to its path, without a double slash."""
    parts = urllib.parse.urlsplit(base)
    path = "/v1/" + signal.lower()
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + path))


def _resolve_url(endpoint: Optional[str], environ: Mapping[str, str], signal: str) -> str:
    if endpoint is not None:
        if isinstance(endpoint, str) and _valid_url(endpoint):
            return _with_signal_path(endpoint, signal)
        logger.warning(
            "Ignored OTLP endpoint %s: not an http:// or https:// URL with a host",
            _redacted(endpoint),
        )
    for variable, value in _environment(environ, "ENDPOINT", signal):
        if _valid_url(value):
            # The trace-specific URL is used as given; the general one is a base.
            if variable == "OTEL_EXPORTER_OTLP_{}_ENDPOINT".format(signal):
                return value
            return _with_signal_path(value, signal)
        logger.warning(
            "Ignored %s=%s: not an http:// or https:// URL with a host",
            variable,
            _redacted(value),
        )
    return _with_signal_path(DEFAULT_ENDPOINT, signal)


def _valid_header(name: Any, value: Any, source: str) -> bool:
    """Whether ``name: value`` can be sent; if not, a warning showing the name at most."""
    if not (isinstance(name, str) and _HEADER_NAME.match(name)):
        # Not shown: a malformed name may be a whole "Authorization: Bearer ..." line.
        logger.warning("Ignored a header in %s: its name is not a valid header name", source)
        return False
    if not isinstance(value, str) or _HEADER_VALUE_FORBIDDEN.search(value):
        logger.warning(
            "Ignored header %r in %s: its value is not a str of visible Latin-1 characters",
            name,
            source,
        )
        return False
    if name.lower() in _RESERVED_HEADERS:
        logger.warning("Ignored header %r in %s: the exporter sets it", name, source)
        return False
    return True


def _parse_headers(value: str, source: str) -> Dict[str, str]:
    """Headers from the W3C baggage-like form ``key1=value1,key2=value2``.

    Keys and values are percent-decoded and stripped of surrounding spaces;
    a malformed entry is logged by its position, never its text, and skipped.
    """
    headers = {}
    for position, entry in enumerate(value.split(","), 1):
        if not entry.strip():
            continue
        name, separator, raw_value = entry.partition("=")
        name = urllib.parse.unquote(name.strip())
        header_value = urllib.parse.unquote(raw_value.strip())
        if not separator or not name:
            logger.warning(
                "Ignored entry %d of %s: expected key=value (the entry is not shown: "
                "it may hold a secret)",
                position,
                source,
            )
            continue
        if _valid_header(name, header_value, "entry {} of {}".format(position, source)):
            headers[name] = header_value
    return headers


def _resolve_headers(
    headers: Optional[Mapping[str, str]], environ: Mapping[str, str], signal: str
) -> Dict[str, str]:
    if headers is not None:
        if isinstance(headers, Mapping):
            return {
                name: value
                for name, value in headers.items()
                if _valid_header(name, value, "the headers argument")
            }
        logger.warning(
            "Ignored the OTLP headers argument: a %s, not a mapping of str to str",
            type(headers).__name__,
        )
    found = _environment(environ, "HEADERS", signal)
    return _parse_headers(found[0][1], found[0][0]) if found else {}


def _with_credentials(
    headers: Dict[str, str], basic_credentials: Optional[str], url: str
) -> Dict[str, str]:
    """``headers`` with the endpoint's credentials as ``Authorization``, unless one is given."""
    if basic_credentials is None:
        return headers
    if any(name.lower() == "authorization" for name in headers):
        logger.warning(
            "Ignored the user and password in the OTLP endpoint: an Authorization header is set"
        )
        return headers
    if url.startswith("http:"):
        logger.warning(
            "The user and password in the OTLP endpoint %s go over plain http: "
            "anyone on the way can read them",
            shown_url(url),
        )
    return dict(headers, Authorization=basic_credentials)


def _valid_timeout(seconds: float) -> bool:
    return 0 < seconds <= MAX_TIMEOUT_SECONDS


def _resolve_timeout(timeout: Optional[float], environ: Mapping[str, str], signal: str) -> float:
    if timeout is not None:
        # Compared, not converted: math.isfinite(10**400) raises. NaN and inf fail the bounds.
        if (
            isinstance(timeout, (int, float))
            and not isinstance(timeout, bool)
            and _valid_timeout(timeout)
        ):
            return float(timeout)
        logger.warning(
            "Ignored OTLP timeout %r: not a number of seconds above 0, at most %d",
            timeout,
            MAX_TIMEOUT_SECONDS,
        )
    for variable, value in _environment(environ, "TIMEOUT", signal):
        # The variables hold milliseconds, as an integer. isdigit() alone
        # accepts "²", which int() refuses; past 4300 digits int() refuses too.
        if value.isascii() and value.isdigit() and len(value) <= 10:
            if _valid_timeout(int(value) / 1000.0):
                return int(value) / 1000.0
        logger.warning(
            "Ignored %s=%r: not an integer of milliseconds above 0, at most %d",
            variable,
            value,
            MAX_TIMEOUT_SECONDS * 1000,
        )
    return DEFAULT_TIMEOUT_SECONDS


def _resolve_compression(
    compression: Optional[str], environ: Mapping[str, str], signal: str
) -> str:
    if compression is not None:
        # isinstance first: "in" would run the __eq__ of whatever was given.
        if isinstance(compression, str) and compression in _COMPRESSIONS:
            return compression
        logger.warning("Ignored OTLP compression %r: expected 'gzip' or 'none'", compression)
    for variable, value in _environment(environ, "COMPRESSION", signal):
        if value.lower() in _COMPRESSIONS:
            return value.lower()
        logger.warning("Ignored %s=%r: expected gzip or none", variable, value)
    return "none"


def _resolve_encoding(encoding: Optional[str], environ: Mapping[str, str], signal: str) -> str:
    if encoding is not None:
        if isinstance(encoding, str) and encoding in _ENCODINGS:
            return encoding
        logger.warning("Ignored OTLP encoding %r: expected 'protobuf' or 'json'", encoding)
    for variable, value in _environment(environ, "PROTOCOL", signal):
        if value in _PROTOCOLS:
            return _PROTOCOLS[value]
        logger.warning(
            "Ignored %s=%r: this exporter speaks http/protobuf and http/json", variable, value
        )
    return "protobuf"


def _resolve_file(
    argument: Optional[str], environ: Mapping[str, str], name: str, signal: str
) -> Optional[str]:
    if argument is not None:
        if isinstance(argument, str) and argument:
            return argument
        logger.warning(
            "Ignored OTLP %s file %r: not a path", name.lower().replace("_", " "), argument
        )
    found = _environment(environ, name, signal)
    return found[0][1] if found else None


def resolve_settings(
    environ: Mapping[str, str],
    endpoint: Optional[str] = None,
    headers: Optional[Mapping[str, str]] = None,
    timeout: Optional[float] = None,
    compression: Optional[str] = None,
    encoding: Optional[str] = None,
    certificate_file: Optional[str] = None,
    client_certificate_file: Optional[str] = None,
    client_key_file: Optional[str] = None,
    signal: str = "TRACES",
) -> ExporterSettings:
    """The settings from the arguments given, ``environ`` and the defaults.

    ``signal`` (``"TRACES"`` or ``"METRICS"``) chooses the signal-specific
    variables (``OTEL_EXPORTER_OTLP_<signal>_*``) and the path (``/v1/traces``).
    """
    url, basic_credentials = _without_userinfo(_resolve_url(endpoint, environ, signal))
    return ExporterSettings(
        url=url,
        headers=_with_credentials(
            _resolve_headers(headers, environ, signal), basic_credentials, url
        ),
        timeout=_resolve_timeout(timeout, environ, signal),
        compression=_resolve_compression(compression, environ, signal),
        encoding=_resolve_encoding(encoding, environ, signal),
        certificate_file=_resolve_file(certificate_file, environ, "CERTIFICATE", signal),
        client_certificate_file=_resolve_file(
            client_certificate_file, environ, "CLIENT_CERTIFICATE", signal
        ),
        client_key_file=_resolve_file(client_key_file, environ, "CLIENT_KEY", signal),
    )
