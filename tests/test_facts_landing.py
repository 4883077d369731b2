"""The landing page lists every chapter of Part 1, in the navigation's order,
each with a line on what it teaches."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
INDEX = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")


def part1_pages() -> list[str]:
    """The pages of Part 1 in the navigation, in order."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)["nav"]
    part1 = next(entry for entry in nav if any(key.startswith("Part 1") for key in entry))
    return [next(iter(page.values())) for page in next(iter(part1.values()))]


def test_every_chapter_of_part1_is_listed_in_order_with_a_line_each():
    chapters = [p for p in part1_pages() if p != "part1/toolbox.md"]
    assert len(chapters) == 8
    section = INDEX.split("**Part 1", 1)[1].split("\n**", 1)[0]  # up to the next part's heading
    listed = re.findall(r"^\d+\. \[[^\]]+\]\(([^)]+)\):\s*\S", section, flags=re.M)
    assert listed == chapters


def test_the_toolbox_and_the_reading_order_are_on_the_landing_page():
    assert "part1/toolbox.md" in part1_pages() and "(part1/toolbox.md)" in INDEX
    assert "in the order listed below" in INDEX
    assert "the parts build on each other" not in INDEX.lower()
