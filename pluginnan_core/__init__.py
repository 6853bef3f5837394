# Plug Innan core library: data model, importers, queries, disclosure control, charts, exports.
"""Plug Innan statistics core. Plain Python, no Streamlit: everything a page shows is built here."""

__version__ = "0.1.0"
