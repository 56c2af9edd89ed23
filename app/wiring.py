"""Putting the real pieces together: paths, config, registry, the models for each role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.assistant import Assistant
from app.chat_log import ChatLog
from app.home import Home
from app.memory_and_mood import MemoryAndMood
from core import logbook
from core.config import ROLES
from core.errors import DomovoyError, GenerationError, ModelFileError, ModelLoadError
from core.events import EventBus
from core.metrics import MetricsRecorder
from core.quiet import Quiet
from core.scheduler import Priority
from llm.base import ChatMessage, GenerationParams
from llm.big_model import BigModel
from llm.idle_unload import IdleUnloader
from llm.intent import IntentClassifier
from llm.privacy import Scrubber, names_from
from llm.remote import RemoteLLM
from llm.roles import ModelSlot
from llm.router import Router
from llm.structured import ask_json
from llm.supervised import SupervisedLLM
from llm.tool_step import ToolStep
from llm.tools import builtin_tools
from memory.conversations import Conversations
from memory.embeddings import CachedEmbedder, configured_embedder, installed_embedder
from memory.emotion import EmotionalState, EmotionClassifier, Reading, TransformerEmotion
from memory.entities import EntityExtractor
from memory.reflection import IMPORTANCE_SCHEMA, MemoryKeeper
from memory.service import MemoryService

LONG_JOB_CALM_S = 15.0  # a reflection or summary waits for this long without a turn...
LONG_JOB_WAIT_S = 120.0  # ...but no longer than this


def slot_for_role(home: Home, role: str, *, shares: ModelSlot | None = None) -> ModelSlot:
    """The model that plays an LLM role, ready to load lazily. ``shares``: a slot of another
    role with the same model, whose loaded model this one uses too (one copy in memory)."""
    entry = home.registry.for_role(role, home.config)
    settings = home.config.llm.role(role)
    if entry.manifest.format != "gguf":
        raise ModelFileError(
            entry.path, f"{entry.id} is {entry.manifest.format}, not a GGUF chat model"
        )
    return _slot(
        home,
        role,
        entry.id,
        entry.path,
        demo=entry.manifest.is_demo,
        load_eagerly=(settings.load or entry.manifest.load_policy) == "eager",
        prepare=lambda: home.registry.verify(entry),
        idle_unload_s=settings.idle_unload_seconds
        or entry.manifest.idle_unload_seconds
        or home.config.llm.idle_unload_seconds,
        shares=shares if shares is not None and shares.model_id == entry.id else None,
        # the role's settings were chosen for the configured model; a stand-in samples as its
        # manifest recommends
        temperature=float(entry.manifest.metadata.get("temperature", settings.temperature))
        if entry.id != settings.id
        else None,
    )


def slot_for_file(home: Home, path: Path, role: str = "primary") -> ModelSlot:
    """A GGUF given by path (``domovoy chat --model FILE``): not registered, not checksummed."""
    path = path.expanduser().resolve()
    return _slot(home, role, path.name, path)


def remote_slot(home: Home, role: str) -> ModelSlot:
    """The user's own OpenAI-compatible server: only with ``enabled`` and ``consent`` set."""
    remote = home.config.llm.remote
    settings = home.config.llm.role(role)
    if not remote.allowed:
        raise ModelLoadError(
            settings.id or "remote",
            f"the {role} role names the remote provider, which is off",
            hint="to let messages leave this machine (scrubbed of personal data), set "
            "[llm.remote] enabled = true and consent = true; or use a local model",
        )
    llm = RemoteLLM(
        model_id=settings.id or "remote",
        base_url=remote.base_url,
        scrubber=Scrubber(names_from(home.paths.entities_dir), remote.denylist),
        api_key_env=remote.api_key_env,
        timeout_s=remote.timeout_s,
        context_length=settings.context_length,
    )
    return ModelSlot(
        role=role,
        model_id=llm.model_id,
        llm=llm,
        params=GenerationParams(
            max_tokens=settings.max_output_tokens,
            temperature=settings.temperature,
            top_p=settings.top_p,
        ),
        timeout_s=settings.timeout_s,
    )


def build_slots(home: Home) -> tuple[dict[str, ModelSlot], dict[str, DomovoyError]]:
    """A slot for every LLM role whose model is installed; the problem of each that is not."""
    slots: dict[str, ModelSlot] = {}
    problems: dict[str, DomovoyError] = {}
    for role in ROLES:
        settings = home.config.llm.role(role)
        if role != "primary" and not settings.id:
            continue  # an optional role left empty is no problem
        try:
            if settings.provider == "remote":
                slots[role] = remote_slot(home, role)
            else:
                entry = home.registry.for_role(role, home.config)
                same = next((s for s in slots.values() if s.model_id == entry.id), None)
                slots[role] = slot_for_role(home, role, shares=same)
        except DomovoyError as exc:
            problems[role] = exc
    return slots, problems


def build_assistant(
    home: Home, bus: EventBus, *, model: str | None = None
) -> tuple[Assistant, DomovoyError | None]:
    """The assistant, and why the primary role cannot answer (if so).

    ``model`` (an id or a .gguf path) takes the primary role for this run only.
    """
    home.attach_gpu(bus)
    recorder = MetricsRecorder(bus, home.metrics, snapshot_file=home.paths.metrics_file)
    logbook.narrate(bus)
    slots, problems = build_slots(home)
    if model:
        problems.pop("primary", None)
        try:
            if model.endswith(".gguf") or Path(model).expanduser().exists():
                slots["primary"] = slot_for_file(home, Path(model))
            else:
                home.config.llm.primary.id = home.registry.get(model).id
                slots["primary"] = slot_for_role(home, "primary")
        except DomovoyError as exc:
            return Assistant(bus=bus, slots={}), exc
    router = Router(bus, slots, pressure=home.scheduler.pressure)
    llm = home.config.llm
    big = BigModel(
        bus,
        router,
        home.metrics,
        time_limit_s=llm.optional_moe.timeout_s,
        p95_limit_ms=llm.moe_p95_limit_ms,
    )
    tools = ToolStep(builtin_tools(), IntentClassifier(home.paths.cache_dir), big)
    idle = IdleUnloader(bus, router.slots, keep_resident=big.keep_resident)  # live roles
    quiet = Quiet()
    companion = build_companion(home, bus, router, big, quiet)
    assistant = Assistant(
        bus=bus,
        slots=slots,
        router=router,
        effort=llm.primary.reasoning_effort,
        tools=tools,
        context=companion.context,
        services=[
            big,
            idle,
            companion,
            ChatLog(bus, Conversations(conversations_file(home))),
            recorder,  # last: what the others record as they stop is kept
        ],
        quiet=quiet,
    )
    return assistant, problems.get("primary")


def embedder_for(home: Home) -> CachedEmbedder:
    """The configured embedding model if installed, else the fallback, else the packaged
    all-MiniLM-L6-v2."""
    folder = home.paths.cache_dir / "embeddings"
    return configured_embedder(home.registry, home.config.embeddings, folder, home.scheduler)


def fallback_embedder_for(home: Home, main: CachedEmbedder) -> CachedEmbedder | None:
    """The small model recall switches to under pressure, when installed beside the main one."""
    folder = home.paths.cache_dir / "embeddings"
    found = installed_embedder(
        home.registry, home.config.embeddings.fallback, folder, home.scheduler
    )
    return found if found is not None and found.info != main.info else None


def conversations_file(home: Home) -> Path:
    return home.paths.data_dir / "conversations.sqlite3"


def open_memory(home: Home) -> MemoryService:
    """The memory service of this home (not yet opened: ``open`` checks the index)."""
    main = embedder_for(home)
    return MemoryService(
        home.paths.data_dir / "memory",
        main,
        entities=EntityExtractor(home.paths.entities_dir),
        fallback=fallback_embedder_for(home, main),
    )


def build_companion(
    home: Home, bus: EventBus, router: Router, big: BigModel, quiet: Quiet | None = None
) -> MemoryAndMood:
    quiet = quiet or Quiet()
    memory = open_memory(home)
    mood = EmotionalState(home.paths.data_dir / "emotion.json", bus)
    reader = EmotionClassifier(model=emotion_model(home), judge=llm_emotion_judge(router, quiet))

    def ask(prompt: str, schema: dict[str, Any]) -> Any:
        """The memory's own questions; a turn that begins meanwhile cancels them (the importance
        is then rated by the heuristic, the summary waits). Rating one memory is the lightweight
        model's quick question; reflections and whole-memory summaries read long prompts: they
        are the big model's long-context work (§19), begun in a pause in the talk."""
        if schema is IMPORTANCE_SCHEMA:
            messages = [ChatMessage(role="user", content=prompt)]
            cancel = quiet.yield_to_turns()
            return ask_json(
                router, messages, schema, task="summary", retries=1, cancel=cancel,
                priority=Priority.BACKGROUND,
            )[0]  # fmt: skip
        quiet.settle(LONG_JOB_CALM_S, timeout=LONG_JOB_WAIT_S)
        if quiet.closing:
            raise GenerationError("left for the next start: domovoy is closing")
        return big.long_context(prompt, schema, cancel=quiet.yield_to_turns())[0]

    keeper = MemoryKeeper(memory, ask)
    return MemoryAndMood(
        bus, memory, mood, reader, keeper=keeper, pressure=home.scheduler.pressure, quiet=quiet
    )


def emotion_model(home: Home) -> TransformerEmotion | None:
    """The configured emotion classifier, when it is installed; else the lexicon reads."""
    model_id = home.config.classification.emotion.model
    if not model_id or model_id not in home.registry:
        return None
    entry = home.registry.get(model_id)
    if not entry.installed or entry.manifest.format != "transformers":
        return None
    return TransformerEmotion(entry.path)


def llm_emotion_judge(router: Router, quiet: Quiet) -> Callable[[str], Reading | None]:
    """The lightweight model as a few-shot judge for the texts the lexicon is unsure of."""
    schema = {
        "type": "object",
        "properties": {
            "emotion": {
                "enum": ["joy", "sadness", "anger", "fear", "surprise", "disgust", "neutral"]
            },
            "valence": {"type": "number", "minimum": -1, "maximum": 1},
            "arousal": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["emotion", "valence", "arousal"],
    }
    examples = (
        'Text: "Ура, меня взяли на работу!" → {"emotion": "joy", "valence": 0.9, "arousal": 0.8}\n'
        'Text: "Опять дождь, никуда не хочется" → {"emotion": "sadness", "valence": -0.5, '
        '"arousal": 0.2}\n'
        'Text: "I can\'t believe they cancelled it again" → {"emotion": "anger", "valence": -0.6, '
        '"arousal": 0.7}\n'
    )

    def judge(text: str) -> Reading | None:
        prompt = f"What emotion does the text express? Reply with JSON.\n{examples}Text: {text!r} →"
        try:
            value, _ = ask_json(
                router,
                [ChatMessage(role="user", content=prompt)],
                schema,
                retries=0,
                cancel=quiet.yield_to_turns(),
                priority=Priority.BACKGROUND,  # after the turn: every turn goes first
            )
        except DomovoyError:
            return None
        emotion = str(value["emotion"])
        emotions = {} if emotion == "neutral" else {emotion: 1.0}
        return Reading(float(value["valence"]), float(value["arousal"]), emotions, 0.7, "llm")

    return judge


def _slot(
    home: Home,
    role: str,
    model_id: str,
    path: Path,
    *,
    demo: bool = False,
    load_eagerly: bool = False,
    prepare: Callable[[], None] | None = None,
    idle_unload_s: float | None = None,
    shares: ModelSlot | None = None,
    temperature: float | None = None,
) -> ModelSlot:
    settings = home.config.llm.role(role)
    llm = (
        shares.llm
        if shares is not None
        else SupervisedLLM(
            model_id=model_id,
            path=path,
            n_ctx=settings.context_length,
            placer=home.placer,
            state_dir=home.paths.cache_dir / "prompt-states",
            log_dir=home.paths.cache_dir / "runners",
        )
    )
    shared_eager = shares is not None and (shares.load_eagerly or shares.idle_unload_s is None)
    slot = ModelSlot(
        role=role,
        model_id=model_id,
        llm=llm,
        params=GenerationParams(
            max_tokens=settings.max_output_tokens,
            temperature=settings.temperature if temperature is None else temperature,
            top_p=settings.top_p,
            repeat_penalty=settings.repeat_penalty,
        ),
        demo=demo,
        load_eagerly=load_eagerly and shares is None,
        timeout_s=settings.timeout_s,
        scheduler=home.scheduler,
        # a model shared with a role that keeps it loaded is never unloaded for this one
        idle_unload_s=None if load_eagerly or shared_eager else idle_unload_s,
    )
    if prepare is not None:
        slot.prepare = prepare
    if slot.load_eagerly and isinstance(llm, SupervisedLLM):
        llm.prestart()  # its process imports llama.cpp while the rest of the app is built
    return slot
