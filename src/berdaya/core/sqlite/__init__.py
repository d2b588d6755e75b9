"""Django's SQLite backend with Berdaya's one retry for a busy database (see core.db)."""
