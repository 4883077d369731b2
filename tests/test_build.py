"""The strict build: it passes for the book and stops, naming file and line, on a broken block."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import material as material_package
import pytest

from conftest import free_port, mkdocs_build, scratch_project
from textbook import styles

GOOD_BLOCK = """```demo
demo: dice
controls:
  n_rolls: {min: 10, max: 1000, value: 100}
```
"""


def page_with(block: str) -> str:
    """A page whose demo block opens on line 7."""
    return "# A page\n\nSome text.\n\n!!! note\n    Before.\n\n" + block


def build_error(tmp_path, block: str) -> str:
    project = scratch_project(tmp_path, {"chapter.md": page_with(block)})
    result = mkdocs_build(project)
    assert result.returncode != 0, "the build should have failed"
    return result.stderr


def test_the_book_builds_strictly_with_a_static_figure_in_every_demo(built_site):
    pages = list(built_site.rglob("index.html"))
    assert pages
    demos = 0
    for page in pages:
        html = page.read_text()
        for block in re.findall(r'<div class="demo" .*?</figure>', html, re.S):
            demos += 1
            assert "<img" in block and "<svg" not in block, f"{page}: a demo without its static figure, or one inlined"
    assert demos >= 2


def test_every_static_figure_is_light_enough_to_load_with_its_page(built_site):
    figures = list((built_site / "assets" / "figures").glob("*.svg"))
    assert figures
    for figure in figures:
        size = figure.stat().st_size
        assert size <= 200_000, (
            f"{figure.name}: a static figure of {size // 1000} KB; rasterize its "
            "densest artists (see 'Figures with thousands of points' in the authoring guide)"
        )


def test_search_indexes_the_prose_but_not_the_demos_figures_readouts_or_code(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    text = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("part1/sampling/"))
    assert "Move the slider" in text  # the prose around the dice demo
    assert "Largest deviation" not in text  # its readout
    assert "frequency in the rolls" not in text and "Matplotlib v" not in text  # its figure's legend
    assert "def compute" not in text  # its source code


def test_every_formula_of_the_book_is_typeset_at_build_time(built_site):
    """Untypeset math would show its TeX source until the page fetched KaTeX's script."""
    formulas = 0
    for page in built_site.rglob("index.html"):
        html = page.read_text()
        formulas += html.count('class="arithmatex"')
        untypeset = re.findall(r'<(?:span|div)[^>]* class="arithmatex"[^>]*>(?!<span class="katex)(.{0,60})', html, re.S)
        assert not untypeset, f"{page}: {untypeset[:3]}"
    assert formulas > 500


def test_material_s_palette_stylesheet_keeps_its_colours_but_not_the_rule_that_restyles_every_element(built_site):
    """Material sets and removes data-md-color-switching on <body> as every page
    starts: a rule selecting every element under it restyled whole chapters twice."""
    [palette] = built_site.glob("assets/stylesheets/palette.*.min.css")
    css = palette.read_text()
    assert "[data-md-color-switching]" not in css
    assert "[data-md-color-scheme=slate]" in css and "--md-primary-fg-color" in css  # the palettes themselves


def test_material_s_main_stylesheet_drops_only_the_content_tabs_rules_the_book_does_not_use(built_site):
    """About 150 selectors of content tabs were tried on every element of a
    chapter as it opened; the book has no content tabs."""
    [main] = built_site.glob("assets/stylesheets/main.*.min.css")
    css = main.read_text()
    assert ".tabbed-set" not in css and ".tabbed-labels" not in css
    # the rest is all there, @media blocks included
    for rule in (".md-typeset .admonition", ".md-header__button", ".md-nav__link", "@media screen and (min-width:76.25em)", "@media print"):
        assert rule in css, rule
    [material] = (Path(material_package.__file__).parent / "templates" / "assets" / "stylesheets").glob("main.*.min.css")
    assert len(css) > 0.8 * len(material.read_text())


def test_a_book_with_content_tabs_keeps_their_rules_and_a_mixed_list_keeps_the_others():
    css = "@media screen{.a,.tabbed-set>input:checked~.tabbed-labels{color:red}}.tabbed-block{display:none}.b:is(.c,.d){margin:0}"
    assert styles.main_css(css, ["pymdownx.tabbed", "admonition"]) == css
    assert styles.main_css(css, ["admonition"]) == "@media screen{.a{color:red}}.b:is(.c,.d){margin:0}"


def test_a_good_block_builds(tmp_path):
    project = scratch_project(tmp_path, {"chapter.md": page_with(GOOD_BLOCK)})
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "chapter" / "index.html").read_text()
    assert 'class="demo__plot"' in html and '<img src="../assets/figures/dice-' in html


@pytest.mark.parametrize(
    "block, line, reason",
    [
        (GOOD_BLOCK.replace("demo: dice", "demo: no_such_demo"), 9, "no demo module demos/no_such_demo.py"),
        (GOOD_BLOCK.replace("value: 100", "value: 5000"), 11, "default 5000 is outside its range [10, 1000]"),
        (GOOD_BLOCK.replace("n_rolls:", "n_throws:"), 11, "control 'n_throws' is not a parameter of demos.dice.compute"),
        (GOOD_BLOCK.replace("demo: dice", "demo: dice\ncolour: red"), 10, "unknown key(s) colour"),
        (GOOD_BLOCK.replace("{min: 10", "{min: [10"), 11, "not valid YAML"),
        (GOOD_BLOCK.replace("n_rolls:", "seed: {type: seed, value: 0}\n  n_rolls:").replace("value: 100", "value: 100, step: -1"), 12, "'step' must be positive"),
        (
            GOOD_BLOCK.replace("controls:", "controls:\n  weights: {value: '1 2 3'}"),
            8,  # the demo raised: the block as a whole, from its opening fence
            "raised while rendering its default figure",
        ),
    ],
    ids=["missing-module", "default-out-of-range", "unknown-parameter", "unknown-key", "bad-yaml", "second-control", "demo-raises"],
)
def test_a_broken_block_fails_the_build_naming_file_and_line(tmp_path, block, line, reason):
    output = build_error(tmp_path, block)
    assert "chapter.md" in output
    assert re.findall(r"\bline (\d+):", output) == [str(line)], output  # the faulty key's line, said once
    assert output.count(reason) == 1, output  # the message is printed once
    assert_no_internal_traceback(output)


def assert_no_internal_traceback(output: str) -> None:
    """An author needs the message, not the frames of MkDocs, Markdown or superfences."""
    for internal in ("site-packages", "<frozen", "importlib", "textbook/fence.py", "textbook/exercise.py"):
        assert internal not in output, f"{internal} in the build's error:\n{output}"


def test_a_demo_that_raises_shows_its_traceback_in_the_build_error(tmp_path):
    output = build_error(tmp_path, GOOD_BLOCK.replace("controls:", "controls:\n  weights: {value: '1 2 3'}"))
    assert "Traceback" in output and "a die has six faces" in output
    assert "demos/dice.py" in output
    assert output.count("ValueError: a die has six faces") == 1, output  # printed once
    assert_no_internal_traceback(output)


def test_a_demo_that_raises_on_import_shows_its_own_traceback_only(tmp_path):
    project = scratch_project(tmp_path, {"chapter.md": page_with("```demo\ndemo: broken\n```\n")})
    (project / "demos").mkdir()  # the build imports demos from its folder first
    (project / "demos" / "__init__.py").write_text("")
    (project / "demos" / "broken.py").write_text("import numpy as np\n\nSCALE = np.log(0) / undefined_name\n")
    output = mkdocs_build(project).stderr
    assert re.findall(r"\bline (\d+):", output) == ["8"], output
    assert "importing the demo raised" in output and "demos/broken.py\", line 3" in output
    assert output.count("NameError: name 'undefined_name' is not defined") == 1, output
    assert_no_internal_traceback(output)


def test_a_missing_runtime_names_the_command_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTBOOK_PYODIDE_CACHE", str(tmp_path / "empty-cache"))
    project = scratch_project(tmp_path / "book", {"chapter.md": page_with(GOOD_BLOCK)})
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "Pyodide runtime is missing" in result.stderr
    assert "./book.sh build" in result.stderr


def test_math_that_katex_rejects_fails_the_build_naming_the_formula(tmp_path):
    project = scratch_project(tmp_path, {"chapter.md": "# Page\n\nBroken: $\\frac{1}{$ here.\n"})
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "chapter/index.html" in result.stderr and "cannot typeset" in result.stderr


EXERCISE = """```exercise
id: double
title: Double it
task: Write `double(x)`.
starter: |
  def double(x):
      return x
checks: |
  expect("double(2)", double(2), 4)
solution: |
  def double(x):
      return 2 * x
```
"""


def test_a_good_exercise_builds_and_hides_its_checks(tmp_path):
    project = scratch_project(tmp_path, {"chapter.md": page_with(EXERCISE)})
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "chapter" / "index.html").read_text()
    assert 'class="exercise"' in html
    assert 'data-checks="expect(&quot;double(2)&quot;, double(2), 4)' in html  # data for the worker, not text
    assert "<code>def double(x):\n    return 2 * x" in html  # the solution, collapsed


@pytest.mark.parametrize(
    "change, line, reason",
    [
        (("return 2 * x", "return 3 * x"), 17, "the solution does not pass its checks: double(2): expected 4, got 6."),
        (("  def double(x):\n      return x\n", "  def double(x):\n      return x + x\n"), 12, "the starter code already passes the checks"),
        (("id: double", "id: Double It"), 9, "'id' must be lowercase"),
        (("title: Double it\n", "title: Double it\ncolour: red\n"), 11, "unknown key(s) colour"),
    ],
    ids=["solution-fails", "starter-passes", "bad-id", "unknown-key"],
)
def test_a_broken_exercise_fails_the_build_naming_file_and_line(tmp_path, change, line, reason):
    output = build_error(tmp_path, EXERCISE.replace(*change))
    assert "chapter.md" in output
    assert re.findall(r"\bline (\d+):", output) == [str(line)], output
    assert output.count(reason) == 1, output
    assert_no_internal_traceback(output)


def test_the_development_server_isolates_the_page(tmp_path):
    """`./book.sh serve` runs `mkdocs serve`; its pages must get SharedArrayBuffer."""
    project = scratch_project(tmp_path, {"index.md": page_with(GOOD_BLOCK)})
    port = free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
                    headers = dict(response.headers)
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail(f"mkdocs serve did not answer: {server.stderr.read() if server.poll() is not None else ''}")
    finally:
        server.terminate()
        server.wait()
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_the_site_tells_static_hosts_to_isolate_it(built_site):
    """Netlify and Cloudflare Pages read _headers; with it Stop keeps the runtime."""
    from textbook.isolation import netlify_headers

    assert (built_site / "_headers").read_text() == netlify_headers()
