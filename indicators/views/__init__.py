"""The analysts' pages, one module per area; routed in indicators/urls.py."""
