"""A tiny HTML reader for the page tests: elements with attributes, text and section."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements that never have an end tag.
VOID = {"meta", "link", "img", "input", "br", "hr", "source"}


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], section: str | None) -> None:
        self.tag = tag
        self.attrs = {name: value or "" for name, value in attrs}
        self.section = section  # id of the enclosing <section>, if any
        self.text = ""


class Page(HTMLParser):
    """Every element of an HTML page: its attributes, its text, the section it is in."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        sections = [e.attrs.get("id", "") for e in self._open if e.tag == "section"]
        element = Element(tag, attrs, sections[-1] if sections else None)
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str, **attrs: str) -> Element:
        (element,) = self.find(tag, **attrs)
        return element
