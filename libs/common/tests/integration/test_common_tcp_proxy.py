"""The TCP proxy the fault tests cut the broker or the database with, under eventlet as the
service suites run it: neither a connection's own end nor the proxy's stop leaves a
greenthread waiting on a closed socket, so a connection the OS later gives one of its numbers
without eventlet seeing it (psycopg2's) works instead of failing with "Second simultaneous
read on fileno N"."""

import psycopg2
from sqlalchemy.engine import make_url

from credit_common.testing.platform import free_port, wait_until
from credit_common.testing.tcp_proxy import TcpProxy


def test_the_numbers_of_the_proxys_closed_sockets_serve_new_connections(database_urls):
    url = make_url(database_urls["notification"])
    dsn = {"host": url.host, "port": url.port or 5432, "user": url.username,
           "password": url.password, "dbname": url.database}
    proxy = TcpProxy(free_port(), (url.host, url.port or 5432))
    proxy.start()
    through = [psycopg2.connect(**{**dsn, "host": "127.0.0.1", "port": proxy.listen_port})
               for _ in range(2)]
    for connection in through:   # both directions of each pipe now wait on their sockets
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    pipes = list(proxy._sockets)
    freed = {proxy._server.fileno(), *(c.fileno() for c in through), *(s.fileno() for s in pipes)}
    assert len(freed) == 7
    through[0].close()           # a connection that ends on its own ...
    wait_until(lambda: sum(s.fileno() == -1 for s in pipes) == 2, 10,
               message="the proxy closing the first connection's sockets")
    proxy.stop()                 # ... and one the proxy cuts
    through[1].close()

    opened = []
    try:
        while not freed <= {c.fileno() for c in opened}:
            assert len(opened) < 200, f"the OS never gave out {freed} again"
            opened.append(psycopg2.connect(**dsn))
        for connection in opened:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
    finally:
        for connection in opened:
            connection.close()
