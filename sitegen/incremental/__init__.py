"""Incremental: what a build keeps for the next one (manifest.py: file states, page keys and the
build's meta; stored.py: the catalogue row by row), each page's key (keys.py) and the pages a
change reaches (reach.py)."""
