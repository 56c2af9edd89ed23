"""One exchange of the chat as it is drawn: a QTextDocument with the question, tool lines,
reasoning when shown, a reply cut off by a crash (kept, marked), the reply as Markdown with a
"copy" link under each code block, and the footer; and the same as plain text (Ctrl+C).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QTextBlockFormat, QTextCursor, QTextDocument, QTextFormat

from app.ui.translation import shown
from app.views.chat import CUT_MARK, Entry, footer, with_copy_links

PAD = 6

MARKDOWN_MARKS = ("```", "**", "\n- ", "\n* ", "\n1. ", "`", "# ", "](")


def is_markdown(text: str) -> bool:
    return any(mark in text for mark in MARKDOWN_MARKS)


def rendered(text: str) -> str:
    """What a reader sees of Markdown: the text without its marks."""
    if not is_markdown(text):
        return text
    doc = QTextDocument()
    doc.setMarkdown(text)
    return doc.toPlainText()


def you() -> str:
    return QCoreApplication.translate("Chat", "You:")


def domovoy() -> str:
    return QCoreApplication.translate("Chat", "domovoy:")


def plain_text(entry: Entry, reasoning: bool) -> str:
    if entry.note:
        return f"— {shown(entry.note)}"
    lines = [f"{you()} {entry.user}"]
    if entry.tools:
        lines.append(entry.tools.strip())
    if reasoning and entry.reasoning:
        lines.append(f"reasoning: {entry.reasoning}")
    if entry.cut_off:
        lines.append(f"{domovoy()} {entry.cut_off} {cut_mark(entry)}")
    lines.append(f"{domovoy()} {rendered(entry.answer) if entry.done else entry.answer}")
    if entry.facts is not None or entry.old_footer:
        lines.append(footer_shown(entry))
    if entry.error:
        lines.append(f"⚠ {shown(entry.error)}")
    return "\n".join(lines)


def cut_mark(entry: Entry) -> str:
    """The mark after a reply cut off by a crash, and which model it was, where known."""
    mark = shown(CUT_MARK)
    return f"{mark} ({entry.cut_note})" if entry.cut_note else mark


def question_format() -> QTextBlockFormat:
    """The question stands out as a tinted band (translucent: it reads on light and dark themes),
    with a little room above the reply."""
    f = QTextBlockFormat()
    f.setBackground(QColor(70, 120, 200, 34))
    f.setBottomMargin(PAD)
    return f


def shade_code(doc: QTextDocument) -> None:
    """Code blocks on a grey ground, so that they read as code (Markdown import marks them)."""
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().hasProperty(QTextFormat.Property.BlockCodeFence):
            shaded = QTextBlockFormat()
            shaded.setBackground(QColor(128, 128, 128, 36))
            QTextCursor(block).mergeBlockFormat(shaded)
        block = block.next()


def document(entry: Entry, reasoning: bool, width: float) -> QTextDocument:
    doc = QTextDocument()
    doc.setDocumentMargin(PAD)
    doc.setTextWidth(max(50.0, width))
    cursor = QTextCursor(doc)

    def block(fragment: str) -> None:
        if not doc.isEmpty():
            cursor.insertBlock(QTextBlockFormat())
        cursor.insertHtml(fragment)

    if entry.note:
        block(f"<span style='color:#557; font-size:small'>— {_escape(shown(entry.note))}</span>")
        return doc
    block(f"<b>{you()}</b> {_escape(entry.user)}")
    cursor.mergeBlockFormat(question_format())
    if entry.tools:
        block(f"<span style='color:#2a6'>{_escape(entry.tools.strip())}</span>")
    if reasoning and entry.reasoning:
        block(f"<i style='color:#556'>reasoning: {_escape(entry.reasoning)}</i>")
    if entry.cut_off:
        block(
            f"<span style='color:#888'><b>{domovoy()}</b> {_escape(entry.cut_off)}</span> "
            f"<span style='color:#b06000'>{_escape(cut_mark(entry))}</span>"
        )
    block(f"<b>{domovoy()}</b> ")
    if entry.done and is_markdown(entry.answer):
        cursor.insertBlock()
        cursor.insertMarkdown(with_copy_links(entry.answer))
        shade_code(doc)
    else:
        cursor.insertText(entry.answer)
    if entry.facts is not None or entry.old_footer:
        block(f"<span style='color:#777; font-size:small'>{_escape(footer_shown(entry))}</span>")
    if entry.error:
        block(f"<span style='color:#b00020'>⚠ {_escape(shown(entry.error))}</span>")
    return doc


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def footer_shown(entry: Entry) -> str:
    """The line under a reply, in the user's language (a reply from an older log: as kept)."""
    return shown(footer(entry.facts)) if entry.facts is not None else entry.old_footer
