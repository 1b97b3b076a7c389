"""The numbers an answer states: a phrased answer must state exactly the template's."""

import re

# A figure as written in an answer: 1,234.50 · 12 · 85.3 · 1.234,50 (digits with separators).
_FIGURE_RE = re.compile(r"\d(?:[\d,.\u00a0\u202f' ]*\d)?")


def figures(text: str) -> list[str]:
    """The numbers in a sentence, with their separators removed: "₹1,200.50 (85 %)" → ["120050", "85"]."""
    return [re.sub(r"\D", "", found) for found in _FIGURE_RE.findall(text)]


def same_figures(phrased: str, template: str) -> bool:
    """Whether a phrased answer states exactly the template's numbers, no more and no fewer."""
    return bool(phrased.strip()) and sorted(set(figures(phrased))) == sorted(set(figures(template)))
