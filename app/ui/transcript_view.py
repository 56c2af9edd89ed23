"""The chat as a document: questions, streamed replies (Markdown once whole), footers, errors.

The window feeds it the Qt-free Transcript's entries; this only draws them.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.transcript import Entry


class TranscriptView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.setPlaceholderText("Say something to domovoy.")
        self._reply_start = 0  # where the reply being streamed begins

    def question(self, text: str) -> None:
        """The user's words, and the label the streamed reply continues."""
        self.append_block(f"<b>You:</b> {_escape(text)}")
        self.append_block("<b>domovoy:</b> ")
        self._reply_start = self.textCursor().position()

    def token(self, text: str) -> None:
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.ensureCursorVisible()

    def reply_finished(self, entry: Entry) -> None:
        """The reply streamed in as plain text; once whole, it is shown as the Markdown it is
        (lists, emphasis, code blocks). Only the reply is redrawn, however long the chat."""
        cursor = self.textCursor()
        cursor.setPosition(self._reply_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        _insert_markdown(cursor, entry.answer)
        self.setTextCursor(cursor)
        self.append_block(_footer_html(entry))

    def note(self, text: str) -> None:
        """A line from the app itself (a model switched, one is ready), not part of a turn."""
        self.append_block(f"<span style='color:#557; font-size:small'>— {_escape(text)}</span>")

    def failed(self, entry: Entry) -> None:
        self.append_block(_error_html(entry))

    def redraw(self, entries: list[Entry], *, reasoning: bool) -> None:
        """Draw the whole conversation again (reasoning shown or hidden, a tool line, another
        conversation opened)."""
        self.clear()
        for entry in entries:
            self.append_block(f"<b>You:</b> {_escape(entry.user)}")
            if entry.tools:
                self.append_block(f"<span style='color:#2a6'>{_escape(entry.tools.strip())}</span>")
            if entry.reasoning and reasoning:
                self.append_block(
                    f"<i style='color:#556'>reasoning: {_escape(entry.reasoning)}</i>"
                )
            self.append_block("<b>domovoy:</b> ")
            self._reply_start = self.textCursor().position()
            _insert_markdown(self.textCursor(), entry.answer)
            if entry.footer:
                self.append_block(_footer_html(entry))
            if entry.error:
                self.failed(entry)

    def append_block(self, fragment: str) -> None:
        """A new paragraph at the end; streamed tokens then continue it."""
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if not self.document().isEmpty():
            cursor.insertBlock()
        cursor.insertHtml(fragment)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()


def _insert_markdown(cursor: QTextCursor, text: str) -> None:
    """Markdown where there is some (a plain reply stays on the label's line)."""
    cursor.movePosition(QTextCursor.MoveOperation.End)
    if any(mark in text for mark in ("```", "**", "\n- ", "\n* ", "\n1. ", "`", "# ")):
        cursor.insertBlock()
        cursor.insertMarkdown(text)
    else:
        cursor.insertText(text)


def _footer_html(entry: Entry) -> str:
    return f"<span style='color:#777; font-size:small'>{_escape(entry.footer)}</span>"


def _error_html(entry: Entry) -> str:
    return f"<span style='color:#b00020'>⚠ {_escape(entry.error)}</span>"


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")
