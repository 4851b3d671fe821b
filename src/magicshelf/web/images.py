"""``srcset`` for a drawing, from the sizes its renditions were made at.

The JSON gives the master's width and height; the web rendition is that fitted to 1600 px
on the long side and the thumbnail is the web rendition fitted to 400 px (never enlarged),
computed with the pipeline's own ``fitted_size``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from magicshelf.illustrations.pipeline import THUMBNAIL_SIDE, WEB_SIDE, fitted_size

# The reader shows a drawing at most ~60% of a wide window and full width on a phone.
SIZES = "(min-width: 56em) 60vw, 100vw"


@dataclass(frozen=True)
class ResponsiveImage:
    src: str
    srcset: str
    sizes: str
    width: int
    height: int


def responsive_image(illustration: Mapping[str, Any]) -> ResponsiveImage:
    """From a page's ``illustration`` JSON to the attributes of its ``<img>``."""
    web = fitted_size((illustration["width"], illustration["height"]), WEB_SIDE)
    thumbnail = fitted_size(web, THUMBNAIL_SIDE)
    srcset = f"{illustration['url']} {web[0]}w"
    if thumbnail[0] < web[0]:  # a drawing under 400 px has two equal renditions: list one
        srcset = f"{illustration['thumbnail_url']} {thumbnail[0]}w, {srcset}"
    return ResponsiveImage(
        src=illustration["url"], srcset=srcset, sizes=SIZES, width=web[0], height=web[1]
    )
