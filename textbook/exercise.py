"""The ``exercise`` fence: a task, starter code, hidden checks, hints, a solution.

    ```exercise
    id: mse
    title: Mean squared error
    task: |
      Write `mse(y, y_hat)` ...
    starter: |
      def mse(y, y_hat):
          ...
    checks: |
      expect("mse of equal arrays", mse(np.ones(3), np.ones(3)), 0.0, tol=1e-12)
    hints:
      - Square the differences first.
    solution: |
      def mse(y, y_hat):
          return np.mean((np.asarray(y) - np.asarray(y_hat)) ** 2)
    ```

The build runs the solution against the checks (it must pass) and the starter
(it must not), so no exercise ships broken. The checks travel in the page as a
data attribute, never as visible text (a <script> of data would be run as
code by Material's instant navigation); the reader's browser runs them in the
worker.
"""

from __future__ import annotations

import html
import re

import yaml
from markdown import Markdown

from .checks import judge
from .fence import DemoBlockError, line_of, markdown_html, where
from .spec import SpecError, yaml_error_line

REQUIRED = ("id", "title", "task", "starter", "checks", "solution")
OPTIONAL = ("hints",)


def validate(language, inputs, options, attrs, md) -> bool:
    return not inputs


def format(source: str, language: str, css_class: str, options: dict, md: Markdown, **kwargs) -> str:
    """Check the exercise, then render it."""
    line = line_of(md, source, "exercise")
    try:
        exercise = parse(source)
    except SpecError as error:
        raise DemoBlockError(f"{where(line, source, error)}exercise block: {error}") from None
    solved = judge(exercise["solution"], exercise["checks"])
    if solved["status"] != "passed":
        at = where(line, source, SpecError("", ("solution",)))
        raise DemoBlockError(f"{at}exercise '{exercise['id']}': the solution does not pass its checks: {solved['message']}")
    if judge(exercise["starter"], exercise["checks"])["status"] == "passed":
        at = where(line, source, SpecError("", ("starter",)))
        raise DemoBlockError(f"{at}exercise '{exercise['id']}': the starter code already passes the checks")
    return summary_slot(md) + render(exercise)


# The line before a page's first exercise that counts the ones solved; the
# page's script fills it (progress.js). It is written here rather than added
# by the script: an element inserted among the chapter's blocks makes the
# browser restyle the whole chapter (Material's rule `table:not([class]) + *`).
SUMMARY = '<p class="exercise-summary" aria-live="polite"></p>'


class _FirstExercise:
    """Whether the page being converted has had its first exercise; Markdown
    calls reset between pages (for an extension it registers)."""

    def __init__(self):
        self.done = False

    def reset(self) -> None:
        self.done = False


def summary_slot(md: Markdown) -> str:
    """The summary line if this is the page's first exercise, else nothing."""
    first = getattr(md, "_first_exercise", None)
    if first is None:
        first = md._first_exercise = _FirstExercise()
        md.registerExtension(first)
    if first.done:
        return ""
    first.done = True
    return SUMMARY


def parse(source: str) -> dict:
    """The exercise's fields, validated; a SpecError names the faulty key."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        raise SpecError(f"not valid YAML: {error}", line=yaml_error_line(error)) from None
    if not isinstance(data, dict):
        raise SpecError("must be a YAML mapping")
    missing = [key for key in REQUIRED if not data.get(key)]
    if missing:
        raise SpecError(f"missing {', '.join(missing)}", (missing[0],))  # the line of an empty one
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL), key=str)
    if unknown:
        raise SpecError(f"unknown key(s) {', '.join(map(str, unknown))}", (unknown[0],))
    if not re.fullmatch(r"[a-z0-9-]+", str(data["id"])):
        raise SpecError("'id' must be lowercase letters, digits and hyphens", ("id",))
    hints = data.get("hints") or []
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        raise SpecError("'hints' must be a list of texts", ("hints",))
    return {**{key: str(data[key]) for key in REQUIRED}, "hints": hints}


def render(exercise: dict) -> str:
    """The exercise's HTML; hints and solution stay hidden until asked for."""
    ident = html.escape(exercise["id"])
    hints = "".join(f"<li hidden>{markdown_html(hint)}</li>" for hint in exercise["hints"])
    hint_button = (
        f'<button type="button" class="md-button exercise__hint">Show a hint (1 of {len(exercise["hints"])})</button>'
        if exercise["hints"]
        else ""
    )
    # without its last newline: a listing hides it, but the editor made in its place would show an empty line
    starter = html.escape(exercise["starter"].rstrip("\n"))
    return (
        f'<div class="exercise" id="exercise-{ident}" data-exercise="{ident}" data-checks="{html.escape(exercise["checks"])}">'
        f'<p class="exercise__title">Exercise: {html.escape(exercise["title"])}</p>'
        f'<div class="exercise__task">{markdown_html(exercise["task"])}</div>'
        f'<pre class="exercise__starter"><code>{starter}</code></pre>'
        '<div class="exercise__actions">'
        '<button type="button" class="md-button md-button--primary exercise__check" title="Shift+Enter">Check</button>'
        '<button type="button" class="md-button exercise__reset">Reset</button>'
        f"{hint_button}</div>"
        '<div class="exercise__result" role="status" aria-live="polite"></div>'
        f'<ol class="exercise__hints">{hints}</ol>'
        '<details class="exercise__solution" hidden><summary>Solution</summary>'
        f'<pre><code>{html.escape(exercise["solution"])}</code></pre></details>'
        "</div>"
    )
