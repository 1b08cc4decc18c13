"""The storage layer: the only place that speaks SQL.

`db.py` owns the SQLite connection, its settings and the schema migrations in `migrations/`;
one `*_store.py` module per concept holds that concept's queries. Domain modules call store
functions with the connection of the transaction they are in.
"""
