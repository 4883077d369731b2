"""The ``pyodide`` fence: a plain Python listing the reader can edit and run.

    ```pyodide
    import numpy as np
    print(np.arange(5) ** 2)
    ```

It reads as an ordinary highlighted listing without JavaScript; in the
browser it becomes an editor with Run, its printout shown beneath.
"""

from __future__ import annotations

import html

from markdown import Markdown


def validate(language, inputs, options, attrs, md) -> bool:
    return not inputs


def format(source: str, language: str, css_class: str, options: dict, md: Markdown, **kwargs) -> str:
    """The listing, with the buttons the widget wires up."""
    return (
        '<div class="runnable">'
        f'<pre class="runnable__source"><code>{html.escape(source)}</code></pre>'
        '<div class="exercise__actions">'
        '<button type="button" class="md-button md-button--primary runnable__run" title="Shift+Enter">Run</button>'
        '<button type="button" class="md-button runnable__reset">Reset</button></div>'
        '<pre class="runnable__output" aria-live="polite" hidden></pre>'
        "</div>"
    )
