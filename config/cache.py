"""The embedded default's cache: a table in the database every process shares (rate limits must count
across gunicorn's workers). Django's DatabaseCache increments by a read and a write, so two processes
could both read 9 and both write 10; here the read and the write happen in one transaction that holds
the write lock (SQLite's IMMEDIATE transactions, PostgreSQL's row lock)."""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class LockingDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.vendor != "sqlite":  # SQLite took the database's write lock when the transaction began
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608 (our table)
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)
