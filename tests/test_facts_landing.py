"""The landing page lists every chapter of every part, in the navigation's
order, each with a line on what it teaches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
INDEX = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")


def part_pages(part: str) -> list[str]:
    """The pages of one part ("Part 1", "Part 2") in the navigation, in order."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    Loader.add_constructor("!ENV", lambda loader, node: None)  # site_url from the environment
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)["nav"]
    section = next(entry for entry in nav if any(key.startswith(part) for key in entry))
    return [next(iter(page.values())) for page in next(iter(section.values()))]


def part1_pages() -> list[str]:
    return part_pages("Part 1")


@pytest.mark.parametrize("part, count", [("Part 1", 8), ("Part 2", 6)])
def test_every_chapter_of_each_part_is_listed_in_order_with_a_line_each(part, count):
    chapters = [p for p in part_pages(part) if p != "part1/toolbox.md"]
    assert len(chapters) == count
    section = INDEX.split(f"**{part}", 1)[1].split("\n**", 1)[0]  # up to the next part's heading
    listed = re.findall(r"^\d+\. \[[^\]]+\]\(([^)]+)\):\s*\S", section, flags=re.M)
    assert listed == chapters


def test_the_toolbox_and_the_reading_order_are_on_the_landing_page():
    assert "part1/toolbox.md" in part1_pages() and "(part1/toolbox.md)" in INDEX
    assert "in the order listed below" in INDEX
    assert "the parts build on each other" not in INDEX.lower()
