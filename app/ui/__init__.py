"""Everything Qt: the window and its widgets. The only package that imports PySide6."""
