"""The interface language: Qt's translation system, with the .ts sources and compiled .qm files
in app/ui/i18n (``make translations`` refreshes them). English is the source language."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from core.translatable import Said

I18N = Path(__file__).with_name("i18n")
LANGUAGES = ("en", "ru")


def configured_language(config_file: Path) -> str:
    """[ui] language from the config, read without the full config machinery (the window opens
    before anything heavy); English when unset or unreadable."""
    import tomllib  # only here: the window's own import stays light

    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "en"
    ui = data.get("ui")
    language = ui.get("language") if isinstance(ui, dict) else None
    return language if language in LANGUAGES else "en"


def install(language: str) -> list[QTranslator]:
    """Put domovoy's translation (and Qt's own, for standard dialogs) in place; returns the
    translators, which must stay alive as long as they are used."""
    app = QCoreApplication.instance()
    if app is None or language == "en":
        return []
    installed = []
    for folder, name in (
        (I18N, f"domovoy_{language}"),
        (Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)), f"qtbase_{language}"),
    ):
        translator = QTranslator(app)
        if translator.load(name, str(folder)) and app.installTranslator(translator):
            installed.append(translator)
    return installed


def shown(text: str) -> str:
    """A text from the Qt-free layers in the interface's language: what was ``said`` from a
    template is translated (its said values too); any other text is shown as it is."""
    if not isinstance(text, Said):
        return text
    template = QCoreApplication.translate("Said", text.template)
    if not text.args:
        return template
    try:
        return template.format(*(shown(a) if isinstance(a, str) else a for a in text.args))
    except (IndexError, KeyError, ValueError):  # a translation that lost a value: English
        return str(text)
