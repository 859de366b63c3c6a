"""gunicorn's access log, safe to keep: every value JSON-escaped (the format in
gunicorn.conf.py is a JSON object a line) and residents' private links masked,
as hubiying.logmask masks the application's own log."""

from __future__ import annotations

import json

from gunicorn.glogging import Logger

from .logmask import mask


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: json.dumps(mask(value), ensure_ascii=False)[1:-1] if isinstance(value, str) else value
                for key, value in atoms.items()}
