"""newsgraph: news articles to a knowledge graph of who said what to whom."""
__version__ = "0.1.0"
