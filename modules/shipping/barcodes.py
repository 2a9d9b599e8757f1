"""Code128 barcodes of tracking numbers as small vector SVGs for the label PDFs.

python-barcode encodes the number (character-set choice, with code set C for digit pairs, check
symbol, stop pattern); the SVG is written here as one ``<path>`` in module units rather than through
python-barcode's ``SVGWriter``: the writer builds a DOM with one ``<rect>`` per bar (about 1.5 ms a
number and 3 KB), the path takes a few microseconds and WeasyPrint draws one shape instead of thirty.
The quiet zone (10 modules each side, ISO/IEC 15417) is part of the image, so the layout cannot
crowd the bars.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from barcode import Code128

QUIET_MODULES = 10
# Module widths tried, widest first: 4, 3 and 2 dots of a 203-dpi (8 dots/mm) thermal printer, so
# every bar is a whole number of dots.
MODULE_WIDTHS_MM = (0.5, 0.375, 0.25)


@dataclass(frozen=True)
class Barcode:
    """An SVG data: URI with the size it must be drawn at (mm), for ``<img width height>``."""

    uri: str
    width_mm: float
    height_mm: float
    modules: int  # including the quiet zones

    def width_at(self, *, max_width_mm: float) -> float:
        """The width of a smaller copy (2-dot modules, or squeezed to ``max_width_mm``)."""
        return round(min(self.modules * MODULE_WIDTHS_MM[-1], max_width_mm), 3)


def code128_modules(data: str) -> str:
    """The bars and spaces of ``data`` as "1"/"0" modules (start to stop, no quiet zone)."""
    return Code128(data).build()[0]


def code128_svg(data: str, *, height_mm: float = 15.0, max_width_mm: float = 68.0) -> Barcode:
    """The barcode at the widest module that fits ``max_width_mm`` with its quiet zones (squeezed
    to the width when even 2-dot modules do not fit)."""
    modules = code128_modules(data)
    total = len(modules) + 2 * QUIET_MODULES
    module_mm = next((w for w in MODULE_WIDTHS_MM if total * w <= max_width_mm), max_width_mm / total)
    parts = []
    x, length = QUIET_MODULES, len(modules)
    index = 0
    while index < length:
        if modules[index] == "1":
            end = index
            while end < length and modules[end] == "1":
                end += 1
            parts.append(f"M{x + index} 0h{end - index}v1h-{end - index}z")
            index = end
        else:
            index += 1
    width_mm = round(total * module_mm, 3)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {total} 1" preserveAspectRatio="none" shape-rendering="crispEdges">'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")
    return Barcode(uri=uri, width_mm=width_mm, height_mm=height_mm, modules=total)
