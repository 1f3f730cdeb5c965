"""Rebuild static/root/favicon.ico (16, 32 and 48 px PNGs in an ICO) from static/img/favicon.svg,
drawn by Debian's Chromium: `.venv/bin/python tools/favicon/build.py`."""

import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SIZES = (16, 32, 48)


def render(svg: str) -> list[tuple[int, bytes]]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        pngs = []
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ')
            page.set_content(f"<body style='margin:0;background:transparent'>{sized}</body>")
            pngs.append((size, page.screenshot(omit_background=True)))
        browser.close()
    return pngs


def ico(pngs: list[tuple[int, bytes]]) -> bytes:
    """An ICO whose images are PNGs (every browser since IE Vista-era reads them)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset, entries, data = 6 + 16 * len(pngs), b"", b""
    for size, png in pngs:
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


if __name__ == "__main__":
    svg = (ROOT / "static/img/favicon.svg").read_text()
    (ROOT / "static/root/favicon.ico").write_bytes(ico(render(svg)))
