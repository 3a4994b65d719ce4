"""stancewatch storage: schema, writes and reads over one SQLite file."""
