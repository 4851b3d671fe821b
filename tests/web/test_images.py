"""Sizes of the renditions, as the reader's srcset declares them."""

from __future__ import annotations

import pytest

from magicshelf.illustrations.pipeline import fitted_size
from magicshelf.web.images import responsive_image


@pytest.mark.parametrize(
    ("size", "longest", "fitted"),
    [
        ((2000, 1000), 1600, (1600, 800)),
        ((1000, 3000), 1600, (533, 1600)),
        ((1600, 1200), 400, (400, 300)),
        ((300, 200), 400, (300, 200)),
        ((5000, 1), 400, (400, 1)),
    ],
)
def test_fit_never_enlarges(size: tuple[int, int], longest: int, fitted: tuple[int, int]) -> None:
    assert fitted_size(size, longest) == fitted


def test_srcset_follows_the_pipeline_chain() -> None:
    # The thumbnail is made from the web rendition, so rounding follows that chain.
    image = responsive_image(
        {"url": "/media/w", "thumbnail_url": "/media/t", "width": 4001, "height": 3001}
    )
    assert image.srcset == "/media/t 400w, /media/w 1600w"
    assert (image.width, image.height) == fitted_size((4001, 3001), 1600)
