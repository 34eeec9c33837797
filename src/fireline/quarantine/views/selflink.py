"""The self-report link as the tracer hands it over: a QR code to scan from the screen or
a printout, and a ready-to-send text message.

The QR code is drawn on the server (segno, ISO/IEC 18004) as inline SVG: nothing is sent
to a third-party service, and the page's content security policy needs no exception.
Error correction level M (15 %) survives a phone photo of a screen.
"""

from __future__ import annotations

import segno
from markupsafe import Markup

from fireline.web.i18n import N_

MESSAGE = N_(
    "Fireline health office: please report your temperature and symptoms once a day "
    "until your quarantine ends, at %(link)s"
)


def qr_svg(link: str) -> Markup:
    """The link as an SVG QR code, sized by the page (no fixed width or height)."""
    code = segno.make(link, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=2, dark="#101828", omitsize=True)
    return Markup(svg)  # segno's own markup; the link inside is escaped by segno
