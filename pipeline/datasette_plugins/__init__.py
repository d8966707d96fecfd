"""Datasette plugins that ``python -m pipeline serve`` loads with ``--plugins-dir`` (every ``.py``
file of this folder is loaded as a plugin; this one defines no hook)."""
