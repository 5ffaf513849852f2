"""The survey's pages, one module per area; routed in survey/urls.py."""
