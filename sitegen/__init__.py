"""sitegen: a static site generator for archives of diplomatic cables."""

__version__ = "0.1.0"
