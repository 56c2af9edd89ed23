"""The llama.cpp backend (llama-cpp-python): a GGUF, its own chat template, streamed text.

The prompt is rendered from the chat template the GGUF carries (Jinja, through llama-cpp-python's
formatter) and generated with ``create_completion``: the bytes fed to llama.cpp are exactly the
template's, and the KV cache is reused for the longest common prefix of consecutive prompts."""

from __future__ import annotations

import codecs
import functools
import json
import logging
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

from core.errors import GenerationError, ModelFileError, ModelLoadError
from llm.base import Cancel, ChatMessage, Delta, GenerationParams, Output
from llm.chat_template import template_messages
from llm.harmony import TERMINATORS, to_outputs
from llm.llama_abort import AbortFlag
from llm.llama_overrides import load_with_overrides
from llm.placement import Placer, decide, loaded
from llm.prompt_state import PromptState
from llm.scripted import Script
from llm.stops import RepetitionGuard, StopMatcher
from llm.threads import batch_threads, default_threads
from models.gguf_info import GGUFInfo, read_gguf_info

log = logging.getLogger(__name__)
# the last tokens of a prefilled prompt are left for the turn: the template's turn markers
# there may be tokenized with the text that follows them
PREFILL_HOLD_BACK = 4


class LlamaCppLLM:
    def __init__(
        self,
        *,
        model_id: str,
        path: Path,
        n_ctx: int = 4096,
        n_gpu_layers: int = 0,
        n_threads: int | None = None,
        seed: int = 0,
        placer: Placer | None = None,
        state_dir: Path | None = None,
        overrides: Sequence[tuple[str, str]] = (),
        script: Script | None = None,
    ) -> None:
        self.model_id = model_id
        self.script = script  # replies as token ids instead of sampled ones (llm.scripted)
        self.state_dir = state_dir  # where prefilled prompt states are kept between starts
        self.path = path
        self.n_ctx = n_ctx
        self.n_gpu_layers = n_gpu_layers
        self.n_threads = n_threads or default_threads()
        self.n_threads_batch = n_threads or batch_threads()
        self._threads_now = self.n_threads  # what the loaded context generates with
        self.seed = seed
        self.placer = placer
        self.overrides = list(overrides)  # tensor buffer overrides where no placer decides
        self.placement = ""  # where the weights went, once loaded
        self._overrides: object = None  # the override array llama.cpp was given: kept alive
        self._llama: Any = None
        self._abort: AbortFlag | None = None  # stops a decode in progress (set from any thread)
        self._vocab: Any = None  # the vocabulary alone, to render and count before a load
        self._formatter: Any = None
        self.render_special = False
        self._lock = threading.Lock()
        self.loaded_at: float | None = None

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    @functools.cached_property
    def _info(self) -> GGUFInfo:
        """The GGUF's header, read once (the vocabulary and the load both need it)."""
        return read_gguf_info(self.path)

    def load(self) -> None:
        with self._lock:
            if self._llama is not None:
                return
            info = self._info  # a clear ModelFileError before llama.cpp sees it
            placing = decide(
                self.placer,
                self.model_id,
                self.path,
                n_ctx=self.n_ctx,
                context_length=info.context_length,
                n_gpu_layers=self.n_gpu_layers,
                overrides=self.overrides,
            )
            try:
                llama, self._overrides = load_with_overrides(
                    self.model_id,
                    placing.overrides,
                    model_path=str(self.path),
                    n_ctx=placing.n_ctx,
                    n_gpu_layers=placing.n_gpu_layers,
                    n_threads=self.n_threads,
                    n_threads_batch=self.n_threads_batch,
                    seed=self.seed,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelLoadError(
                    self.model_id,
                    f"llama.cpp could not load {self.path} ({info.architecture}, "
                    f"{info.file_type}): {exc}",
                    hint="the architecture may be newer than this llama.cpp build, or memory ran "
                    "out; `domovoy doctor` shows what fits",
                ) from exc
            try:
                self._read_template(llama, info.chat_template)
            except ModelFileError:
                llama.close()
                raise
            self._llama = llama
            self._abort = AbortFlag()
            self._abort.attach(llama.ctx)
            self._drop_vocab()
            self._threads_now = self.n_threads
            self.loaded_at = time.monotonic()
            self.placement = loaded(self.placer, self.model_id, placing)

    def unload(self) -> None:
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                if self.placer is not None:
                    self.placer.unloaded(self.model_id)
            self._llama = None
            self._abort = None  # after the context it served is gone
            self._overrides = None
            self._formatter = None
            self.loaded_at = None
            self._drop_vocab()

    def _read_template(self, tokens: Any, template: str | None) -> None:
        """The chat formatter, from the GGUF's template and its vocabulary's BOS and EOS."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        if not template:
            raise ModelFileError(
                self.path,
                "the GGUF carries no chat template (tokenizer.chat_template)",
                hint="use an instruct/chat model's GGUF, which carries its template",
            )
        eos = _token_text(tokens, tokens.token_eos())
        bos = _token_text(tokens, tokens.token_bos())
        self._formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        # Harmony models (gpt-oss) speak in channels marked by control tokens: keep them in
        # the text so that the harmony parser can route analysis, commentary and final.
        self.render_special = "<|channel|>" in template

    def _tokens(self) -> Any:
        """What tokenizes: the loaded model, or before it loads its vocabulary alone (read in
        a fraction of the load's time and memory, and without the GPU), so that a prompt can be
        fitted to the context before the model is asked. Called with the lock held."""
        if self._llama is not None:
            return self._llama
        if self._vocab is None:
            import llama_cpp
            from llama_cpp._internals import LlamaModel

            info = self._info
            params = llama_cpp.llama_model_default_params()
            params.vocab_only = True
            try:
                vocab = LlamaModel(path_model=str(self.path), params=params, verbose=False)
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelLoadError(
                    self.model_id, f"llama.cpp could not read the vocabulary of {self.path}: {exc}"
                ) from exc
            try:
                self._read_template(vocab, info.chat_template)
            except ModelFileError:
                vocab.close()  # type: ignore[no-untyped-call]
                raise
            self._vocab = vocab
        return self._vocab

    def _drop_vocab(self) -> None:
        vocab, self._vocab = self._vocab, None
        if vocab is not None:
            vocab.close()

    def abort(self) -> None:
        """Stop the reply being generated now, inside the token being computed (any thread);
        the stream then ends as a cancelled one does. ``cancel`` must be set too."""
        if self._abort is not None:
            self._abort.set()

    @property
    def uses_gpu(self) -> bool:
        if self.placer is not None:
            return self.placer.gpu_offload()
        return self.n_gpu_layers != 0

    @property
    def context_length(self) -> int:
        return int(self._llama.n_ctx()) if self._llama is not None else self.n_ctx

    def count_tokens(self, messages: Sequence[ChatMessage], params: GenerationParams) -> int:
        prompt = self.render(messages, params)
        with self._lock:
            return len(self._tokens().tokenize(prompt.encode("utf-8"), add_bos=True, special=True))

    def prefill(self, messages: Sequence[ChatMessage], params: GenerationParams) -> None:
        """Evaluate the prompt's tokens up to its last message's content, once: llama.cpp keeps
        them in the KV cache and the next turn reuses the longest common prefix. Kept on disk
        (``state_dir``), the state is restored at the next start instead of read again."""
        prompt = self.render(messages, params)
        with self._lock:
            llama = self._llama
            if llama is None:
                return
            tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
            prefix = tokens[: max(0, len(tokens) - PREFILL_HOLD_BACK)]
            if self.state_dir is None:
                if len(prefix) >= 2 and list(llama._input_ids[: len(prefix)]) != prefix:
                    llama.reset()
                    llama.eval(prefix)
                return
            PromptState(self.state_dir, self.path, self.n_ctx).have(llama, prefix)

    def _start_from_kept(
        self, llama: Any, tokens: Sequence[int], messages: Sequence[ChatMessage]
    ) -> None:
        """A fresh model: the system prompt's state from disk when it was kept, else read first
        and kept for the next start (the rest of the prompt follows as usual)."""
        if self.state_dir is None or not messages or messages[0].role != "system":
            return
        head = self._formatter(messages=[{"role": "system", "content": messages[0].content}])
        prefix = llama.tokenize(str(head.prompt).encode("utf-8"), add_bos=True, special=True)
        prefix = prefix[: max(0, len(prefix) - PREFILL_HOLD_BACK)]
        if list(tokens[: len(prefix)]) == prefix:
            PromptState(self.state_dir, self.path, self.n_ctx).have(llama, prefix)

    def render(self, messages: Sequence[ChatMessage], params: GenerationParams) -> str:
        """The exact prompt text the model will read (the model need not be loaded)."""
        with self._lock:
            self._tokens()
            formatter = self._formatter
        extra: dict[str, Any] = {}
        if params.reasoning_effort:
            extra["reasoning_effort"] = params.reasoning_effort
        if self.render_special:
            if params.tools_json:  # harmony models call tools themselves
                extra["tools"] = json.loads(params.tools_json)
            if messages and messages[0].role == "system":  # who it is, not "You are ChatGPT"
                extra["model_identity"] = messages[0].content.split("\n", 1)[0]
        try:
            result = formatter(
                messages=template_messages(messages, harmony=self.render_special), **extra
            )
        except Exception as exc:  # the template raised (raise_exception) or is malformed
            raise GenerationError(f"the chat template of {self.model_id!r} failed: {exc}") from exc
        return str(result.prompt)

    def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        cancel: Cancel | None = None,
    ) -> Generator[Output, None, None]:
        self.load()
        prompt = self.render(messages, params)
        with self._lock:
            llama = self._llama
            if llama is None:
                raise GenerationError(f"model {self.model_id!r} was unloaded mid-turn")
            # llama.cpp adds BOS only where the vocabulary asks for it
            tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
            if llama.n_tokens == 0:  # a fresh start: the system prompt, kept or read now
                self._start_from_kept(llama, tokens, messages)
            budget = llama.n_ctx() - len(tokens)
            if budget < 1:
                raise GenerationError(
                    f"the conversation ({len(tokens)} tokens) fills the whole context of "
                    f"{llama.n_ctx()} tokens",
                )
            raw = self._generate(llama, tokens, min(params.max_tokens, budget), params, cancel)
            if self.render_special:
                yield from to_outputs(raw)
            else:
                for text in raw:
                    yield Delta(text=text)

    def choice_logprobs(
        self, messages: Sequence[ChatMessage], params: GenerationParams, choices: Sequence[str]
    ) -> list[float]:
        """Each choice's log-probability as the next token (llm/choice.py)."""
        from llm.choice import next_token_logprobs

        if self.render_special:
            raise GenerationError(f"{self.model_id!r} reasons before it answers: ask it for JSON")
        self.load()
        prompt = self.render(messages, params)
        with self._lock:
            if (llama := self._llama) is None:
                raise GenerationError(f"model {self.model_id!r} was unloaded mid-turn")
            return next_token_logprobs(llama, prompt, choices)

    def _generate(
        self,
        llama: Any,
        tokens: list[int],
        max_tokens: int,
        params: GenerationParams,
        cancel: Cancel | None,
    ) -> Iterator[str]:
        """Sample token by token; llama.cpp reuses the KV cache of the longest common prefix."""
        from llama_cpp import llama_model_get_vocab, llama_vocab_is_eog

        if self._abort is not None:
            self._abort.clear()
        if params.seed is not None:
            llama.set_seed(params.seed)
        threads = params.threads or self.n_threads
        if threads != self._threads_now:
            from llama_cpp import llama_set_n_threads

            llama_set_n_threads(llama.ctx, threads, self.n_threads_batch)
            self._threads_now = threads
        vocab = llama_model_get_vocab(llama.model)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stops = StopMatcher(params.stop)
        loop = RepetitionGuard()
        # A grammar never goes with harmony's control tokens: it would break the format.
        use_grammar = params.json_schema is not None and not self.render_special
        generator = llama.generate(
            tokens,
            top_k=params.top_k,
            top_p=params.top_p,
            min_p=params.min_p,
            temp=params.temperature,
            repeat_penalty=params.repeat_penalty,
            grammar=_grammar(params.json_schema) if use_grammar else None,
            logits_processor=[self.script.next_reply(llama.token_eos())] if self.script else None,
        )
        produced = 0
        leading = True
        try:
            for token in generator:
                if cancel is not None and cancel.is_set():
                    break
                piece = llama.detokenize([token], special=self.render_special)
                if llama_vocab_is_eog(vocab, token):
                    # harmony's <|return|> and <|call|> end generation: the parser is told
                    # which, so that a call is a call; other models' end tokens are not text
                    ending = piece.decode("utf-8", errors="replace")
                    if self.render_special and ending in TERMINATORS:
                        yield stops.feed(decoder.decode(b"", final=True)) + stops.flush() + ending
                    break
                text = stops.feed(decoder.decode(piece))
                if leading:  # SentencePiece writes the reply's first word with a leading space
                    text = text.lstrip(" ")
                    leading = not text
                if text:
                    yield text
                produced += 1
                if stops.stopped or produced >= max_tokens:
                    break
                if loop.feed(token):
                    log.info(
                        "%s: the reply repeated itself for %d tokens; it ends there",
                        self.model_id,
                        loop.looped_tokens,
                    )
                    break
            tail = stops.feed(decoder.decode(b"", final=True)) + stops.flush()
            if tail and not (cancel is not None and cancel.is_set()):
                yield tail
        except (RuntimeError, ValueError) as exc:
            if cancel is not None and cancel.is_set():
                return  # a decode aborted by Stop: the reply ends where it was
            raise GenerationError(f"llama.cpp failed while generating: {exc}") from exc
        finally:
            generator.close()


@functools.lru_cache(maxsize=16)
def _grammar(json_schema: str) -> Any:
    from llama_cpp.llama_grammar import LlamaGrammar

    try:
        return LlamaGrammar.from_json_schema(json_schema, verbose=False)
    except Exception as exc:  # the converter raises plain exceptions on schemas it cannot do
        raise GenerationError(f"the JSON schema cannot be turned into a grammar: {exc}") from exc


def _token_text(llama: Any, token: int) -> str:
    text = bytes(llama.detokenize([token], special=True)) if token >= 0 else b""
    return text.decode("utf-8", errors="replace")
