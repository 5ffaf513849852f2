"""The public pages, the exports and the open API; routed in reporting/urls.py."""
