"""Render: planned pages -> bytes (jinja templates, the header lexer, markup, feeds)."""
