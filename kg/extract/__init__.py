"""Extractors: pure functions from an article's text to mentions, positions and links.

`extract_article` runs all of them over one article; `pipeline` wires the rest.
"""

from kg.extract.article import extract_article

__all__ = ["extract_article"]
