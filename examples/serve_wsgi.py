"""Serves a WSGI application on 127.0.0.1 with the standard library, for the examples."""

from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        """Quiet: no access log on standard error."""


def serve(application, port):
    """Serve until interrupted; prints the URL first (port 0 picks a free one)."""
    with make_server("127.0.0.1", port, application, _ThreadingWSGIServer, _QuietHandler) as server:
        print("listening on http://127.0.0.1:{}/".format(server.server_port), flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
