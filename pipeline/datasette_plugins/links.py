"""Datasette plugin: a ``page`` cell (``/html/<page>#<statement_id>``, the views ``statement_details``
and ``entity_statements`` and the canned queries have one) rendered as a link to the statement on
its document's HTML page, which ``python -m pipeline serve`` mounts at ``/html/``.

Only a text that starts with ``/html/`` is made a link, so the link never leaves the mounted pages
(no scheme: never ``javascript:``). The page name is URL-quoted whole (no ``/``: it stays a file of
``html/``), the statement id is URL-quoted as a fragment, and the link and its text are
HTML-escaped (``markupsafe``); the database's base URL (``base_url`` setting) is prefixed.
"""
from __future__ import annotations

import re
from urllib.parse import quote, unquote

from datasette import hookimpl
from markupsafe import Markup

PREFIX = "/html/"
COLUMN = "page"
# what the HTML pages cannot hold in an id (XML 1.0 forbids them; the export stage drops them)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def page_link(value: str, prefix_path=lambda p: p) -> Markup | None:
    """The ``<a>`` for a ``page`` value, or None when ``value`` is not one."""
    if not isinstance(value, str) or not value.startswith(PREFIX) or len(value) == len(PREFIX):
        return None
    path, _, fragment = value.partition("#")
    name = unquote(path[len(PREFIX):])
    if not name:
        return None
    href = prefix_path(PREFIX + quote(name, safe=""))
    fragment = _XML_ILLEGAL.sub("", fragment)
    if fragment:
        href += "#" + quote(fragment, safe=":")
    text = "html/" + name + ("#" + fragment if fragment else "")
    return Markup('<a href="{}">{}</a>').format(href, text)


@hookimpl
def render_cell(value, column, datasette):
    if column != COLUMN:
        return None
    return page_link(value, datasette.urls.path)
