"""Readers draw their own flow-matching target: a sketch control's pad writes
the points they lay down into its text field, which the demo trains on."""

import re

from demos import flow_matching as fm

FINALE = "/part1/flow-matching/"


def test_without_javascript_the_points_field_waits_for_its_target(built_site):
    html = (built_site / "part1" / "flow-matching" / "index.html").read_text()
    control = re.search(r'<div class="demo__control demo__control--sketch"[^>]*>', html).group(0)
    assert " hidden" in control  # the default target is the moons
    pad = re.search(r'<div class="demo__pad"[^>]*>', html).group(0)
    assert " hidden" in pad and f'data-max="{fm.LIM}"' in pad  # the pad spans the figure's square


def pad_pixels(page) -> str:
    return page.locator(".demo__pad-canvas").evaluate("canvas => canvas.toDataURL()")


def test_a_drawn_stroke_becomes_the_target_that_is_trained(page, server):
    page.goto(server + FINALE)
    demo = page.locator(".demo").first
    demo.scroll_into_view_if_needed()
    field = demo.locator("input[name=points]")
    assert not field.is_visible()

    demo.locator("select[name=target]").select_option("points")
    pad = demo.locator(".demo__pad-canvas")
    pad.wait_for(state="visible")
    demo.get_by_role("button", name="Clear the points").click()
    assert field.input_value() == ""
    blank = pad_pixels(page)

    # A stroke along y = 1.6 (a quarter of the way down), from x = -1.6 to x = 1.6
    box = pad.bounding_box()
    at = lambda x, y: (box["x"] + (x / fm.LIM + 1) / 2 * box["width"], box["y"] + (1 - y / fm.LIM) / 2 * box["height"])
    page.mouse.move(*at(-1.6, 1.6))
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(*at(-1.6 + 3.2 * i / 20, 1.6))
    page.mouse.up()
    points = fm.parse_points(field.input_value())
    assert 10 <= len(points) <= 21, points
    assert abs(points[:, 1] - 1.6).max() <= 0.15
    assert points[:, 0].min() <= -1.5 and points[:, 0].max() >= 1.5
    assert pad_pixels(page) != blank  # the pad shows them

    light = pad_pixels(page)
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")  # as Material's palette switch does
    page.wait_for_function("light => document.querySelector('.demo__pad-canvas').toDataURL() !== light", arg=light)

    typed = pad_pixels(page)
    field.press("End")
    field.type("; 0 -2")  # typing redraws the pad too
    assert pad_pixels(page) != typed

    demo.locator("input[name=steps]").evaluate("el => { el.value = 250; el.dispatchEvent(new Event('input', {bubbles: true})) }")
    demo.locator(".demo__run").click()
    page.wait_for_function(
        "() => document.querySelector('.demo__readout').innerText.startsWith('points: 250 training steps')", timeout=120_000
    )
    assert demo.locator(".demo__output").is_hidden()
    assert page.watch.errors == []
