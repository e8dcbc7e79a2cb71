"""An SOP's flow diagram as inline SVG, drawn on the server.

One swimlane per performer column, a box per step in its performer's lane (top
to bottom by number), arrows between consecutive steps, the time standard under
each box and an end marker. Other performers marked on a step's row get a small
marker with the step number in their lane.

The correction loop is drawn as a dashed arrow from each review or approve step
back to the step just before it: that is where the work under review was
prepared. The engine lets a reviewer return an item to any earlier step; the
diagram does not try to draw every such path.

The SVG is built with xml.etree.ElementTree, which escapes every text and
attribute, so SOP text cannot inject markup.
"""

import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .constants import CHECKING_KINDS, StepKind
from .models import Sop, SopStep

SVG_NS = "http://www.w3.org/2000/svg"

FONT = 12
LINE = 15
PAD = 8
LANE_W = 230
BOX_W = 204
BOX_CHARS = 28  # characters per line that fit a box at FONT size
LANE_CHARS = 30
ROW_GAP = 36
LOOP_OFFSET = 10  # where a loop leaves or enters a box, from its top or bottom edge
GUTTER_W = 130  # room right of the lanes for the correction loops and their label
END_W, END_H = 150, 32
# One column for phones: 360 wide, with room on the right for the correction loops.
NARROW_W, NARROW_X, NARROW_BOX_W = 360, 8, 312
NARROW_CHARS = 42

INK, MUTED, LINE_COLOUR = "#1d2330", "#5b6475", "#9aa3b2"
FILLS = {"check": "#fff6e0", StepKind.PUBLISH: "#eaf6ee"}
LANE_FILLS = ("#f6f7fa", "#ffffff")


@dataclass
class _Box:
    step: SopStep
    x: float
    y: float
    h: float
    lines: list[str]
    w: float = BOX_W
    head: int = 0  # lines naming the performer, bold, above the activity (narrow)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(" ".join((text or "").split()), width=width, break_on_hyphens=False) or [
        ""
    ]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = text
    return element


def _text_lines(parent, lines: list[str], x: float, y: float, **attrs) -> ET.Element:
    """A <text> of several lines; y is the first baseline."""
    text = _sub(parent, "text", x=x, y=y, font_size=FONT, fill=INK, **attrs)
    for i, line in enumerate(lines):
        _sub(text, "tspan", line, x=x, dy=0 if i == 0 else LINE)
    return text


def _arrow(parent, points: list[tuple[float, float]], marker: str, **attrs) -> ET.Element:
    d = "M " + " L ".join(f"{x:g} {y:g}" for x, y in points)
    return _sub(
        parent,
        "path",
        d=d,
        fill="none",
        stroke=INK,
        stroke_width=1.5,
        marker_end=f"url(#{marker})",
        **attrs,
    )


def flow_svg(sop: Sop, steps: Sequence[SopStep] | None = None) -> SafeString:
    """The SOP's flow diagram as an <svg> element, safe to insert in a page."""
    steps = sorted(steps if steps is not None else sop.steps.all(), key=lambda s: s.number)
    columns = sop.columns(steps)
    prefix = f"sop{sop.pk or 0}-"
    marker = f"{prefix}arrow"
    lanes_w = LANE_W * max(len(columns), 1)
    lane_x = {label: i * LANE_W for i, label in enumerate(columns)}

    lane_labels = [_wrap(label, LANE_CHARS) for label in columns]
    header_h = PAD * 2 + LINE * max((len(lines) for lines in lane_labels), default=1)

    boxes, y = [], header_h + 40.0
    for step in steps:
        lines = _wrap(step.activity, BOX_CHARS)
        # At least three text lines, so loop ends and "also marked" markers never meet.
        h = PAD * 2 + LINE * max(len(lines) + 1, 3)
        x = lane_x[step.performer_label] + (LANE_W - BOX_W) / 2
        boxes.append(_Box(step, x, y, h, lines))
        y += h + ROW_GAP
    end_y = y if boxes else header_h + 40.0
    height = end_y + END_H + PAD * 2
    width = lanes_w + GUTTER_W

    svg = _root(sop, steps, len(columns), prefix, width, height, "sop-flow")
    _draw_lanes(svg, lane_labels, header_h, height)
    _draw_flow(svg, boxes, header_h, marker)
    for box in boxes:
        _draw_step(svg, box, lane_x)
    _draw_loops(svg, boxes, lanes_w, marker)
    _draw_end(svg, steps, boxes, end_y, lanes_w, marker)
    # ElementTree escaped every text and attribute value above.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def flow_svg_narrow(sop: Sop, steps: Sequence[SopStep] | None = None) -> SafeString:
    """The same flow in one column, for a phone: each box names its performer above the
    activity, at the width of a 360 px screen, so that its text reads at full size."""
    steps = sorted(steps if steps is not None else sop.steps.all(), key=lambda s: s.number)
    prefix = f"sop{sop.pk or 0}-narrow-"
    marker = f"{prefix}arrow"
    boxes, y = [], 40.0
    for step in steps:
        head = _wrap(f"{step.number}. {step.performer_label}", NARROW_CHARS - 4)  # bold
        lines = head + _wrap(step.activity, NARROW_CHARS)
        h = PAD * 2 + LINE * len(lines)
        boxes.append(_Box(step, NARROW_X, y, h, lines, NARROW_BOX_W, len(head)))
        y += h + ROW_GAP
    end_y = y
    height = end_y + END_H + PAD * 2
    columns = len(sop.columns(steps))
    svg = _root(sop, steps, columns, prefix, NARROW_W, height, "sop-flow sop-flow-narrow")
    _draw_flow(svg, boxes, 8, marker)
    for box in boxes:
        _draw_narrow_step(svg, box)
    _draw_loops(svg, boxes, NARROW_X + NARROW_BOX_W, marker, labelled=False)
    _draw_end(svg, steps, boxes, end_y, NARROW_W, marker)
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def _root(sop, steps, lanes: int, prefix: str, width, height, css_class: str) -> ET.Element:
    """The <svg> element, its accessible name and the arrow head."""
    title = _("Flow diagram of the SOP “%(name)s”") % {"name": sop.name}
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "role": "img",
            "viewBox": f"0 0 {width:g} {height:g}",
            "width": f"{width:g}",
            "height": f"{height:g}",
            "class": css_class,
            "aria-labelledby": f"{prefix}title {prefix}desc",
            "font-family": "system-ui, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
        },
    )
    _sub(svg, "title", title, id=f"{prefix}title")
    _sub(
        svg,
        "desc",
        _("%(steps)d steps across %(lanes)d performers; the table lists every step in full.")
        % {"steps": len(steps), "lanes": lanes},
        id=f"{prefix}desc",
    )
    defs = _sub(svg, "defs")
    head = _sub(
        defs,
        "marker",
        id=f"{prefix}arrow",
        viewBox="0 0 10 10",
        refX=9,
        refY=5,
        markerWidth=7,
        markerHeight=7,
        orient="auto-start-reverse",
    )
    _sub(head, "path", d="M 0 0 L 10 5 L 0 10 z", fill=INK)
    return svg


def _draw_lanes(svg, lane_labels, header_h, height) -> None:
    lanes = _sub(svg, "g", class_="lanes")
    for i, lines in enumerate(lane_labels):
        x = i * LANE_W
        _sub(lanes, "rect", x=x, y=0, width=LANE_W, height=height, fill=LANE_FILLS[i % 2])
        _sub(lanes, "rect", x=x, y=0, width=LANE_W, height=header_h, fill="#e6e9ef")
        _sub(lanes, "line", x1=x, y1=0, x2=x, y2=height, stroke=LINE_COLOUR)
        text = _text_lines(
            lanes, lines, x + LANE_W / 2, PAD + FONT, text_anchor="middle", font_weight="bold"
        )
        text.set("class", "lane-label")
    right = LANE_W * len(lane_labels)
    _sub(lanes, "line", x1=right, y1=0, x2=right, y2=height, stroke=LINE_COLOUR)


def _draw_flow(svg, boxes: list[_Box], header_h: float, marker: str) -> None:
    flow = _sub(svg, "g", class_="flow")
    if not boxes:
        return
    first = boxes[0]
    _sub(flow, "circle", cx=first.cx, cy=header_h + 12, r=6, fill=INK)
    _arrow(flow, [(first.cx, header_h + 18), (first.cx, first.y)], marker)
    for above, below in pairwise(boxes):
        turn = above.bottom + ROW_GAP * 0.6
        points = [(above.cx, above.bottom)]
        if above.cx != below.cx:
            points += [(above.cx, turn), (below.cx, turn)]
        _arrow(flow, [*points, (below.cx, below.y)], marker)


def _draw_step(svg, box: _Box, lane_x: dict[str, float]) -> None:
    step = box.step
    group = _sub(svg, "g", class_=f"step step-{step.kind}")
    fill = FILLS["check"] if step.kind in CHECKING_KINDS else FILLS.get(step.kind, "#ffffff")
    for label in step.marked_also:
        if label == step.performer_label or label not in lane_x:
            continue
        mx = lane_x[label] + LANE_W / 2
        my = box.y + box.h / 2
        edge = box.x + BOX_W if mx > box.cx else box.x
        _sub(group, "line", x1=edge, y1=my, x2=mx, y2=my, stroke=MUTED, stroke_dasharray="2 3")
        _sub(group, "rect", x=mx - 14, y=my - 9, width=28, height=18, rx=9, fill="#fff")
        group[-1].set("stroke", MUTED)
        _text_lines(group, [str(step.number)], mx, my + 4, text_anchor="middle", fill_opacity=0.8)
    _sub(
        group,
        "rect",
        x=box.x,
        y=box.y,
        width=BOX_W,
        height=box.h,
        rx=4,
        fill=fill,
        stroke=INK,
    )
    number = _text_lines(group, [str(step.number)], box.x + PAD, box.y + PAD + FONT)
    number.set("font-weight", "bold")
    number.set("class", "step-number")
    kind = _text_lines(
        group, [str(step.get_kind_display())], box.x + BOX_W - PAD, box.y + PAD + FONT
    )
    kind.set("text-anchor", "end")
    kind.set("fill", MUTED)
    kind.set("font-size", str(FONT - 1))
    activity = _text_lines(group, box.lines, box.x + PAD, box.y + PAD + FONT + LINE)
    activity.set("class", "activity")
    _draw_time(group, box)


def _draw_time(group, box: _Box) -> None:
    """The step's time standard, under its box."""
    time = _text_lines(group, [box.step.time_standard], box.cx + 6, box.bottom + 13)
    time.set("class", "time")
    time.set("fill", MUTED)
    time.set("font-size", str(FONT - 1))
    time.set("font-style", "italic")


def _draw_narrow_step(svg, box: _Box) -> None:
    step = box.step
    group = _sub(svg, "g", class_=f"step step-{step.kind}")
    fill = FILLS["check"] if step.kind in CHECKING_KINDS else FILLS.get(step.kind, "#ffffff")
    _sub(group, "rect", x=box.x, y=box.y, width=box.w, height=box.h, rx=4, fill=fill, stroke=INK)
    top = box.y + PAD + FONT
    performer = _text_lines(group, box.lines[: box.head], box.x + PAD, top)
    performer.set("font-weight", "bold")
    performer.set("class", "performer")
    activity = _text_lines(group, box.lines[box.head :], box.x + PAD, top + LINE * box.head)
    activity.set("class", "activity")
    _draw_time(group, box)


def _draw_loops(
    svg, boxes: list[_Box], lanes_w: float, marker: str, *, labelled: bool = True
) -> None:
    loops = _sub(svg, "g", class_="loops")
    x = lanes_w + 16
    for before, box in pairwise(boxes):
        if box.step.kind not in CHECKING_KINDS:
            continue
        start = box.y + LOOP_OFFSET
        end = before.bottom - LOOP_OFFSET
        _arrow(
            loops,
            [(box.x + box.w, start), (x, start), (x, end), (before.x + before.w, end)],
            marker,
            stroke_dasharray="6 4",
        )
        if not labelled:
            continue
        label = _wrap(_("Returned for correction"), 14)
        middle = (start + end) / 2 - LINE * (len(label) - 1) / 2
        text = _text_lines(loops, label, x + 6, middle + 4, font_style="italic")
        text.set("class", "loop-label")
        text.set("font-size", str(FONT - 1))


def _draw_end(svg, steps, boxes, end_y, lanes_w, marker) -> None:
    published = any(step.kind == StepKind.PUBLISH for step in steps)
    label = _("Published") if published else _("Documented")
    cx = boxes[-1].cx if boxes else lanes_w / 2
    group = _sub(svg, "g", class_="end")
    if boxes:
        _arrow(group, [(cx, boxes[-1].bottom), (cx, end_y)], marker)
    _sub(
        group,
        "rect",
        x=cx - END_W / 2,
        y=end_y,
        width=END_W,
        height=END_H,
        rx=END_H / 2,
        fill="#1c7c3a" if published else "#0b5cad",
    )
    text = _text_lines(group, [label], cx, end_y + END_H / 2 + 4, text_anchor="middle")
    text.set("fill", "#ffffff")
    text.set("font-weight", "bold")
    text.set("class", "end-label")
