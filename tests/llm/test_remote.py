"""The remote provider against a fake OpenAI-compatible server on loopback."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import tomli_w

from core.errors import GenerationError, ModelLoadError, PrivacyError
from core.paths import Paths
from llm.base import ChatMessage, GenerationParams, final_text
from llm.privacy import Scrubber, names_from
from llm.remote import RemoteLLM


class FakeServer:
    def __init__(self, status: int = 200, words: tuple[str, ...] = ("Hello", " from", " home")):
        self.requests: list[dict[str, object]] = []
        self.headers: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                server.requests.append(json.loads(self.rfile.read(length)))
                server.headers.append(dict(self.headers))
                if status != 200:
                    self.send_response(status)
                    self.end_headers()
                    self.wfile.write(b"model not found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for word in words:
                    chunk = {"choices": [{"delta": {"content": word}}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    s = FakeServer()
    yield s
    s.close()


def remote(url: str, **scrub: object) -> RemoteLLM:
    return RemoteLLM(model_id="home-gpt", base_url=url, scrubber=Scrubber(**scrub))  # type: ignore[arg-type]


def test_the_reply_streams_and_personal_data_never_leaves(server: FakeServer) -> None:
    llm = remote(server.url, names=["Маша", "Barsik"])
    text = (
        "Напиши Маше на masha.petrova@mail.ru или позвони +7 (912) 345-67-89; "
        "карта 4111 1111 1111 1111, кот Barsik, заказ 1234"
    )
    reply = final_text(llm.stream([ChatMessage(role="user", content=text)], GenerationParams()))
    assert reply == "Hello from home"
    sent = server.requests[0]["messages"][0]["content"]  # type: ignore[index]
    for secret in ("masha.petrova", "345-67-89", "4111", "Маш", "Barsik"):
        assert secret not in sent
    assert "[email]" in sent and "[phone]" in sent and "[card]" in sent and "[name]" in sent
    assert "заказ 1234" in sent  # ordinary numbers stay
    assert server.requests[0]["stream"] is True and server.requests[0]["model"] == "home-gpt"


def test_a_denylisted_word_keeps_the_message_home(server: FakeServer) -> None:
    llm = remote(server.url, denylist=["пароль"])
    with pytest.raises(PrivacyError, match="denylist"):
        list(llm.stream([ChatMessage(role="user", content="мой Пароль 1234")], GenerationParams()))
    assert server.requests == []


def test_the_key_comes_from_the_environment(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME_KEY", "s3cret")
    llm = RemoteLLM(model_id="m", base_url=server.url, scrubber=Scrubber(), api_key_env="HOME_KEY")
    list(llm.stream([ChatMessage(role="user", content="hi")], GenerationParams()))
    assert server.headers[0]["Authorization"] == "Bearer s3cret"


def test_server_errors_are_clear() -> None:
    failing = FakeServer(status=404)
    try:
        with pytest.raises(GenerationError, match="answered 404: model not found"):
            list(
                remote(failing.url).stream(
                    [ChatMessage(role="user", content="hi")], GenerationParams()
                )
            )
    finally:
        failing.close()
    gone = FakeServer()
    url = gone.url
    gone.close()
    with pytest.raises(GenerationError, match="cannot be reached"):
        list(remote(url).stream([ChatMessage(role="user", content="hi")], GenerationParams()))


def test_not_an_http_url_is_refused() -> None:
    with pytest.raises(ModelLoadError, match="not an http"):
        remote("ftp://example.org")


def test_names_come_from_the_users_entity_dictionaries(tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text("Маша: [Мария, Машенька]\nПётр: []\n", encoding="utf-8")
    (tmp_path / "pets.yaml").write_text("- Барсик\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("[oops\n", encoding="utf-8")
    assert sorted(names_from(tmp_path)) == sorted(["Маша", "Мария", "Машенька", "Пётр", "Барсик"])


def write_config(paths: Paths, **remote_cfg: object) -> None:
    paths.ensure()
    config = {
        "schema_version": 1,
        "llm": {"primary": {"id": "home-gpt", "provider": "remote"}, "remote": remote_cfg},
    }
    paths.config_file.write_text(tomli_w.dumps(config), encoding="utf-8")


def test_without_consent_the_remote_provider_stays_off(
    domovoy_home: Paths, server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    write_config(domovoy_home, enabled=True, consent=False, base_url=server.url)
    assert main(["chat", "--once", "hi"]) == 1
    assert "consent = true" in capsys.readouterr().err
    assert server.requests == []


def test_with_consent_a_whole_turn_goes_to_the_home_server(
    domovoy_home: Paths, server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    write_config(domovoy_home, enabled=True, consent=True, base_url=server.url, denylist=["secret"])
    assert main(["chat", "--once", "Привет, я alex@example.org"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "Hello from home" and "[home-gpt ·" in err
    sent = json.dumps(server.requests[-1], ensure_ascii=False)
    assert "alex@example.org" not in sent and "[email]" in sent
