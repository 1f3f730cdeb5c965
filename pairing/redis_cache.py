"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django's client builds a new `redis.Redis` for every cache call, and each one fills its table of
about 200 response callbacks: a third of a millisecond per call, three calls per page (session,
data generation, page content; pairing/page_cache.py). A `redis.Redis` is safe to share between
threads (it takes a connection from its pool for each command), so one per pool is enough."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
