"""Fail loudly when PostgreSQL or Redis is unreachable, instead of letting tests skip."""

import sys

import psycopg
import redis


def main(pg_url: str, redis_url: str) -> int:
    try:
        psycopg.connect(
            pg_url.replace("postgres://", "postgresql://", 1), connect_timeout=5
        ).close()
    except psycopg.Error as error:
        print(f"PostgreSQL is not reachable at {pg_url}: {error}", file=sys.stderr)
        return 1
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        print(f"Redis is not reachable at {redis_url}: {error}", file=sys.stderr)
        return 1
    print(f"PostgreSQL ({pg_url}) and Redis ({redis_url}) answer.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
