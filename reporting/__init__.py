"""Published results: the Excel results file, municipality pages and the open API (issue 6)."""
