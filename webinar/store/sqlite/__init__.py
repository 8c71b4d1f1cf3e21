"""The SQLite store: aiosqlite, WAL, one writer connection and one reader."""
