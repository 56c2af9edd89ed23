import socket
import threading

import pytest

from tests.conftest import NetworkAccessError


def test_a_connection_beyond_loopback_fails_the_test() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(NetworkAccessError):
        s.connect(("93.184.216.34", 80))


def test_loopback_connections_are_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted: list[socket.socket] = []
    t = threading.Thread(target=lambda: accepted.append(server.accept()[0]))
    t.start()
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        t.join(5)
    assert accepted, "the loopback connection was not accepted"
    accepted[0].close()
    server.close()
