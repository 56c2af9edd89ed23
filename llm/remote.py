"""An OpenAI-compatible HTTP provider, for a llama-server or vLLM on the user's own home server.

Off by default. It is built only when the config turns it on with an explicit consent
(``[llm.remote] enabled = true, consent = true``); every message passes the PII scrubber and the
denylist before it is sent; HTTPS certificates are always verified. Replies stream (server-sent
events) and stop at once on cancel.
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
from collections.abc import Generator, Sequence
from urllib.parse import urlsplit

from core.errors import GenerationError, ModelLoadError
from llm.base import Cancel, ChatMessage, Delta, GenerationParams, Output
from llm.chat_template import template_messages
from llm.privacy import Scrubber


class RemoteLLM:
    def __init__(
        self,
        *,
        model_id: str,
        base_url: str,
        scrubber: Scrubber,
        api_key_env: str = "",
        timeout_s: float = 60.0,
        context_length: int = 8192,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelLoadError(
                model_id, f"the remote base_url {base_url!r} is not an http(s) URL"
            )
        self.model_id = model_id
        self.base_url = base_url.rstrip("/")
        self.scrubber = scrubber
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s
        self._context_length = context_length
        self._parts = parts
        self.sent: list[str] = []  # what left the machine, as sent (for the user to inspect)

    @property
    def context_length(self) -> int:
        return self._context_length

    @property
    def uses_gpu(self) -> bool:
        return False  # not this machine's GPU

    @property
    def placement(self) -> str:
        return f"remote: {self._parts.hostname}"

    @property
    def loaded(self) -> bool:
        return True

    def load(self) -> None:
        return None

    def unload(self) -> None:
        return None

    def prefill(self, messages: Sequence[ChatMessage], params: GenerationParams) -> None:
        return None  # nothing is cached between calls

    def count_tokens(self, messages: Sequence[ChatMessage], params: GenerationParams) -> int:
        # No tokenizer here: about four characters a token, rounded up, errs on the safe side.
        return sum(len(m.content) // 3 + 4 for m in messages)

    def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        cancel: Cancel | None = None,
    ) -> Generator[Output, None, None]:
        body = {
            "model": self.model_id,
            "messages": [
                {"role": m["role"], "content": self.scrubber.scrub(m["content"])}
                for m in template_messages(messages, harmony=False)
            ],
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "stream": True,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        payload = json.dumps(body, ensure_ascii=False)
        self.sent.append(payload)
        conn = self._connection()
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        key = os.environ.get(self.api_key_env, "") if self.api_key_env else ""
        if key:
            headers["Authorization"] = f"Bearer {key}"
        path = f"{self._parts.path.rstrip('/')}/chat/completions"
        try:
            conn.request("POST", path, body=payload.encode("utf-8"), headers=headers)
            response = conn.getresponse()
            if response.status != 200:
                detail = response.read(500).decode("utf-8", errors="replace")
                raise GenerationError(
                    f"the remote provider at {self.base_url} answered {response.status}: {detail}"
                )
            for raw in response:
                if cancel is not None and cancel.is_set():
                    return
                line = raw.decode("utf-8", errors="replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                try:
                    chunk = json.loads(data)
                    text = chunk["choices"][0].get("delta", {}).get("content") or ""
                except (ValueError, KeyError, IndexError, TypeError):
                    raise GenerationError(
                        f"the remote provider sent a malformed event: {data[:80]}"
                    ) from None
                if text:
                    yield Delta(text=text)
        except (OSError, http.client.HTTPException) as exc:
            raise GenerationError(
                f"the remote provider at {self.base_url} cannot be reached: {exc}",
                hint="check that the server runs, or turn the remote provider off",
            ) from exc
        finally:
            conn.close()

    def _connection(self) -> http.client.HTTPConnection:
        host, port = self._parts.hostname or "", self._parts.port
        if self._parts.scheme == "https":
            context = ssl.create_default_context()  # certificates are always verified
            return http.client.HTTPSConnection(host, port, timeout=self.timeout_s, context=context)
        return http.client.HTTPConnection(host, port, timeout=self.timeout_s)
