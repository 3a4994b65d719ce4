"""stancewatch ETL: articles in, attributed statements with stance tags out."""

__version__ = "0.1.0"
