"""The main window: the typed chat, streamed replies, Stop, and which model answered."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui import window_state
from app.ui.bridge import QtBridge
from app.ui.page_set import TITLES, Pages, add_pages, placeholder, title
from app.ui.pages.chat import ChatModel, ChatView
from app.ui.restart import restart_app
from app.ui.translation import shown
from app.ui.widgets.composer import Composer
from app.ui.widgets.status_line import StatusLine
from app.ui.widgets.tray import add_tray
from app.views.chat import ChatTranscript
from core.errors import DomovoyError
from core.events import (
    ConversationSaved,
    ConversationStarted,
    EventBus,
    ModelLoaded,
    ModelLoadFailed,
    ReasoningStreamed,
    ReplyCutOff,
    RoleSwitched,
    TokenStreamed,
    ToolCalled,
    TurnFailed,
    TurnFinished,
    TurnRetracted,
    TurnStarted,
)

if TYPE_CHECKING:
    from app.assistant import Assistant
    from app.chat_log import ChatLog
    from app.home import Home
    from app.ui.pages.conversations import ConversationsPanel


class MainWindow(QMainWindow):
    def __init__(
        self,
        assistant: Assistant | None = None,
        *,
        notice: str = "",
        bus: EventBus | None = None,
        state_file: Path | None = None,
    ) -> None:
        """The window opens at once; the assistant comes with it, or later with ``attach``
        (built off the GUI thread once the window shows); ``state_file`` keeps its geometry."""
        super().__init__()
        self.assistant: Assistant | None = None
        self.setWindowTitle(self.tr("domovoy"))
        self.resize(820, 640)
        self.state_file = state_file
        window_state.restore(self, state_file)

        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setStyleSheet(
            "QLabel#banner { background: #fff4d6; border: 1px solid #e0c060; padding: 8px; }"
        )
        self.banner.hide()

        self.model = ChatModel()
        self.transcript = ChatView(self.model, self)

        self.composer = Composer(self)
        self.input = self.composer.input
        self.send_button = self.composer.send_button
        self.stop_button = self.composer.stop_button
        self.regenerate_button = self.composer.regenerate_button
        self.edit_button = self.composer.edit_button
        self.show_reasoning = self.composer.show_reasoning
        self.composer.send_requested.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self._stop)
        self.regenerate_button.clicked.connect(self.regenerate)
        self.edit_button.clicked.connect(self.edit_last)
        self.show_reasoning.toggled.connect(self._render_all)
        self.editing = False  # the box holds the last question, edited: Send replaces it
        self.chat_log: ChatLog | None = None
        self.conversations: ConversationsPanel | None = None
        # kept conversations on their way in: one per open, taken by the switch it announces
        self._opening: dict[str, list[ChatTranscript]] = {}
        self._switching: dict[str, str] = {}  # role → the model it is loading after a switch

        layout = QVBoxLayout()
        layout.addWidget(self.banner)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.composer)
        self.chat_layout = layout
        chat = QWidget(self)
        chat.setLayout(layout)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(chat, title(TITLES[0]))
        for name in TITLES[1:]:
            self.tabs.addTab(placeholder(self.tr("starting…")), title(name))
        self.setCentralWidget(self.tabs)
        self.pages = Pages()
        self.tray = add_tray(self, self.new_conversation)

        if bus is None:
            if assistant is None:
                raise ValueError("the window needs the assistant or its event bus")
            bus = assistant.bus
        self.bridge = QtBridge(bus, self)
        self.status = StatusLine(self.statusBar(), self.bridge)
        self.mood = self.status.mood
        self.context_label = self.status.context_label
        on = self.bridge.on
        on(TurnStarted, self._on_turn_started)
        on(TokenStreamed, self._on_token)
        on(ReasoningStreamed, self.model.reasoning_token)
        on(ReplyCutOff, self.model.cut)
        on(TurnFinished, self._on_turn_finished)
        on(TurnFailed, self._on_turn_failed)
        on(TurnRetracted, self._on_turn_retracted)
        on(ToolCalled, self._on_tool_called)
        on(ModelLoadFailed, lambda e: self.show_notice(e.message))
        on(ConversationStarted, self._on_conversation_started)
        on(RoleSwitched, self._on_role_switched)
        on(ModelLoaded, self._on_model_loaded)
        self._shortcuts()

        self._set_input_enabled(False)
        self.statusBar().showMessage(self.tr("starting…"))
        if assistant is not None:
            self.attach(assistant, notice)

    def attach(self, assistant: Assistant, notice: str = "", home: Home | None = None) -> None:
        """The assistant is ready: say how it stands, and let the user type if it can answer.
        With the home (config, models, metrics), the other pages fill in."""
        from app.chat_log import ChatLog

        self.assistant = assistant
        log = assistant.service(ChatLog)
        if log is not None:
            self._add_conversations(log)
        self.pages = add_pages(self.tabs, assistant, home, self.bridge)
        if self.pages.settings is not None:
            self.pages.settings.restart_wanted.connect(self.offer_restart)
        if self.pages.picker is not None:
            self.chat_layout.insertWidget(1, self.pages.picker)  # above the chat
        if self.pages.voice is not None:
            self.chat_layout.addWidget(self.pages.voice)
            self.installEventFilter(self.pages.voice)  # push-to-talk's key, anywhere in it
        self.status.show_mood_of(assistant)
        if notice:
            self.show_notice(notice)
        self._set_input_enabled(assistant.ready_to_chat)
        if assistant.ready_to_chat and assistant.primary is not None:
            self.statusBar().showMessage(
                self.tr("{0}: not loaded yet").format(assistant.primary.model_id)
            )
            if assistant.primary.demo and not notice:
                self.show_notice(
                    self.tr(
                        "{0} is a tiny demo model: its replies are noise. Get a real one: download "
                        "a GGUF (`domovoy models list --sources`) and add it on the Models page "
                        "or with `domovoy models add FILE.gguf --id ID --role primary`."
                    ).format(assistant.primary.model_id)
                )
        self._resume_latest()

    # --- actions -------------------------------------------------------------------------------

    def _shortcuts(self) -> None:
        """Ctrl+Enter sends (Enter does too), Esc stops the reply, Ctrl+N starts a new
        conversation; the buttons' tooltips say so."""
        for keys, action in (
            ("Ctrl+Return", self._send_if_enabled),
            ("Escape", self._stop),
            (QKeySequence.StandardKey.New, self.new_conversation),
            ("Ctrl+R", self.regenerate),
            ("Ctrl+E", self.edit_last),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(action)

    def _add_conversations(self, log: ChatLog) -> None:
        self.chat_log = log
        from app.ui.pages.conversations import ConversationsPanel

        self.conversations = ConversationsPanel(log.store, self)
        self.conversations.opened.connect(self.open_conversation)
        self.conversations.new_requested.connect(self.new_conversation)
        panel = self.conversations
        self.bridge.on(ConversationSaved, lambda _event: panel.refresh())
        dock = QDockWidget(self.tr("Conversations"), self)
        dock.setObjectName("conversations")
        dock.setWidget(self.conversations)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.resizeDocks([dock], [220], Qt.Orientation.Horizontal)
        window_state.restore(self, self.state_file)  # the dock as the user left it

    def open_conversation(self, conversation_id: str) -> None:
        """Show a kept conversation and go on with it: its messages become the history (read
        and handed over on a thread; the window fills when the assistant has switched)."""
        if self.assistant is None or self.chat_log is None:
            return
        assistant, store = self.assistant, self.chat_log.store
        self._set_input_enabled(False)

        def switch() -> None:
            opening = ChatTranscript()
            opening.load(store.messages(conversation_id, limit=100_000))
            self._opening.setdefault(conversation_id, []).append(opening)
            assistant.resume_conversation(conversation_id, opening.history())

        threading.Thread(target=switch, name="domovoy-open-conversation", daemon=True).start()

    def _resume_latest(self) -> None:
        """A second start finds the chat as it was: the latest conversation is open again."""
        if self.conversations is None:
            return
        kept = self.conversations.model.rows
        if kept and kept[0].messages:
            self.open_conversation(kept[0].id)

    def new_conversation(self) -> None:
        """Start afresh: the assistant stops any reply and forgets the running history (the old
        conversation stays in the log); the window clears when it has."""
        if self.assistant is None:
            return
        self._set_input_enabled(False)
        threading.Thread(
            target=self.assistant.new_conversation, name="domovoy-new-conversation", daemon=True
        ).start()

    def _send_if_enabled(self) -> None:
        if self.send_button.isEnabled():
            self.send()

    def _stop(self) -> None:
        if self.editing and not self.stop_button.isEnabled():
            self.editing = False
            self.input.clear()
            self.statusBar().clearMessage()
            return
        if self.assistant is not None:
            self.assistant.stop()

    def send(self) -> None:
        if self.assistant is None:
            return
        text = self.input.toPlainText()
        try:
            if self.editing:
                self.assistant.retry(text)
            else:
                self.assistant.submit(text)
        except DomovoyError as exc:
            self.statusBar().showMessage(shown(exc.message), 8000)
            return
        self.editing = False
        self.input.clear()

    def regenerate(self) -> None:
        """Ask the last question again; the new reply replaces the old one."""
        if self.assistant is None or not self.send_button.isEnabled():
            return
        try:
            self.assistant.retry()
        except DomovoyError as exc:
            self.statusBar().showMessage(shown(exc.message), 8000)

    def edit_last(self) -> None:
        """The last question back in the box to change; sending it replaces that exchange."""
        last = self.assistant.last_question if self.assistant is not None else None
        if last is None or not self.send_button.isEnabled():
            return
        self.editing = True
        self.input.setPlainText(last)
        self.input.setFocus()
        self.statusBar().showMessage(
            self.tr("editing the last question: Send replaces it, Esc cancels")
        )

    def show_notice(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def transcript_text(self) -> str:
        return self.transcript.toPlainText()

    # --- events (on the GUI thread, through the bridge) ------------------------------------------

    def _on_conversation_started(self, e: ConversationStarted) -> None:
        waiting = self._opening.get(e.conversation_id, []) if e.conversation_id else []
        opened = waiting.pop(0) if waiting else None
        self.model.load(opened.entries if opened else [])
        self.status.reset_context()
        self.statusBar().showMessage(
            self.tr("conversation opened") if opened else self.tr("new conversation"), 5000
        )
        if self.conversations is not None:
            self.conversations.refresh()
        self._turn_ended()
        self._set_input_enabled(self.assistant is not None and self.assistant.ready_to_chat)

    def _on_turn_started(self, e: TurnStarted) -> None:
        self.composer.set_state(ready=True, busy=True, has_question=True)
        self.model.started(e)

    def _on_token(self, e: TokenStreamed) -> None:
        self.model.token(e)

    def _on_turn_finished(self, e: TurnFinished) -> None:
        self.model.finished(e)
        self._turn_ended()

    def _on_turn_failed(self, e: TurnFailed) -> None:
        self.model.failed(e)
        self._turn_ended()

    def _on_turn_retracted(self, e: TurnRetracted) -> None:
        self.model.retract(e.text)

    def _on_tool_called(self, e: ToolCalled) -> None:
        self.model.tool(e)  # the tool line goes above the answer, which is still to come

    def _on_role_switched(self, e: RoleSwitched) -> None:
        self._note(f"{e.role}: {e.previous or 'none'} → {e.model_id or 'none'}")
        self._switching[e.role] = e.model_id

    def _on_model_loaded(self, e: ModelLoaded) -> None:
        if self._switching.get(e.role) == e.model_id:
            del self._switching[e.role]
            self._note(
                self.tr("{0} is ready as {1} ({2:.0f} ms)").format(e.model_id, e.role, e.load_ms)
            )

    def _note(self, text: str) -> None:
        """A line from the app in the chat (not kept in the conversation's log)."""
        self.model.note(text)

    # --- helpers -------------------------------------------------------------------------------

    def _turn_ended(self) -> None:
        self._set_input_enabled(self.assistant is not None and self.assistant.ready_to_chat)
        self.input.setFocus()

    def _set_input_enabled(self, enabled: bool) -> None:
        question = self.assistant.last_question if self.assistant is not None else None
        self.composer.set_state(ready=enabled, busy=False, has_question=bool(question))

    def _render_all(self) -> None:
        self.model.set_reasoning(self.show_reasoning.isChecked())

    def offer_restart(self, *, ask: bool = True) -> bool:
        """The language changes at the next start: start again now, if the user wants to (this
        window closes as usual, saving everything, and a new one opens)."""
        if ask:
            answer = QMessageBox.question(
                self,
                self.tr("Restart"),
                self.tr("The interface language changes when domovoy starts again. Restart now?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        if not restart_app():
            return False
        self.close()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        """The window goes at once; then the mood is saved, pending memory writes finish, the
        models unload (a second start finds everything as it was)."""
        window_state.save(self, self.state_file)
        self.hide()
        if self.tray is not None:
            self.tray.hide()
        self.bridge.detach()
        if self.pages.voice is not None:
            self.pages.voice.session.stop()  # the microphone and speaker are released
        if self.assistant is not None:
            self.assistant.shutdown()
        super().closeEvent(event)
