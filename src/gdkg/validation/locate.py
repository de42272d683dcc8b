"""Where a node is in a new Turtle file: the line of the first statement it is the subject of."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rdflib import BNode

from ..load import Triple

if TYPE_CHECKING:
    from .check import Input

_PREFIX_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.\-]*)?:\s*<([^>]*)>", re.I)
_TOKEN = re.compile(r"^\s*(<[^>\s]*>|[A-Za-z][\w.\-]*:[^\s;,()\[\]\"]*|:[^\s;,()\[\]\"]*)")


def subject_lines(text: str) -> tuple[dict[str, int], dict[str, str]]:
    """Line of the first statement with each subject, and the file's prefixes.

    A subject is the first token of a line where a statement starts (the
    previous statement ended with '.'); multi-line strings are skipped."""
    prefixes: dict[str, str] = {}
    lines: dict[str, int] = {}
    at_start, in_long = True, False
    for number, line in enumerate(text.splitlines(), 1):
        quotes = line.count('"""') + line.count("'''")
        if in_long:
            if quotes % 2:
                in_long = False
                at_start = _ends_statement(line)
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        declared = _PREFIX_DECL.match(line)
        if declared:
            prefixes[declared.group(1) or ""] = declared.group(2)
            at_start = True
            continue
        if at_start:
            token = _TOKEN.match(line)
            if token:
                iri = _expand_token(token.group(1), prefixes)
                if iri:
                    lines.setdefault(iri, number)
        if quotes % 2:
            in_long = True
            continue
        at_start = _ends_statement(stripped)
    return lines, prefixes


def _ends_statement(line: str) -> bool:
    line = re.sub(r"\s#[^\"'<>]*$", "", line.strip())
    return line.endswith(".")


def _expand_token(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<"):
        iri = token[1:-1]
        return iri if re.match(r"^[a-z][\w+.-]*:", iri) else None
    token = token.rstrip(".")
    prefix, _, local = token.partition(":")
    if prefix in prefixes:
        return prefixes[prefix] + local.replace("\\", "")
    return None


class Locator:
    """focus node → (file, line, unit) of its first statement in the new files."""

    def __init__(self, inputs: list[Input], new: set[Triple]):
        self.inputs = inputs
        self.scans: dict = {}
        self.terms: dict = {}
        self.written: dict = {}
        self.parents: dict[BNode, object] = {}
        for s, _, o in new:
            if isinstance(o, BNode):
                self.parents.setdefault(o, s)
        self.bnodes = {str(b): b for t in new for b in (t[0], t[2]) if isinstance(b, BNode)}

    def _scan(self, item: Input):
        if item.shown not in self.scans:
            self.scans[item.shown] = subject_lines(item.text)
        return self.scans[item.shown]

    def _terms(self, item: Input) -> tuple[set[str], set[str]]:
        """The subjects and the objects of ``item``, as strings (computed once)."""
        if item.shown not in self.terms:
            self.terms[item.shown] = ({str(s) for s, _, _ in item.triples},
                                      {str(o) for _, _, o in item.triples})
        return self.terms[item.shown]

    def _written(self, item: Input) -> dict[str, int]:
        """First line where each IRI is written (<IRI> or prefixed name), for the whole file."""
        if item.shown not in self.written:
            _, prefixes = self._scan(item)
            self.written[item.shown] = written_lines(item.text, prefixes)
        return self.written[item.shown]

    def __call__(self, focus: str) -> tuple[str | None, int | None, str]:
        node = self.bnodes.get(focus)
        seen = set()
        while node is not None and node in self.parents and node not in seen:
            seen.add(node)
            node = self.parents[node]
        if node is not None:
            focus = str(node)
        for item in self.inputs:  # first as a subject
            if item.locations is not None:
                if focus in item.locations:
                    return item.shown, item.locations[focus], item.unit
                continue
            if focus in self._terms(item)[0]:
                lines, prefixes = self._scan(item)
                return item.shown, lines.get(focus) or self._anywhere(item, focus), "line"
        for item in self.inputs:  # then anywhere
            if item.locations is None and focus in self._terms(item)[1]:
                return item.shown, self._anywhere(item, focus), "line"
        return None, None, "line"

    def _anywhere(self, item: Input, focus: str) -> int | None:
        found = self._written(item).get(focus)
        if found is None:  # an unusual spelling (escapes …): search the text
            _, prefixes = self._scan(item)
            found = _search(item.text, focus, prefixes)
        return found


_WRITTEN = re.compile(r"<([^>\s]*)>|(?<![\w:-])([A-Za-z][\w.\-]*)?:([\w\-]+(?:\.[\w\-]+)*)")


def written_lines(text: str, prefixes: dict[str, str]) -> dict[str, int]:
    """The first line (outside comments) where each IRI is written, as <IRI> or prefix:local."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        for match in _WRITTEN.finditer(line):
            if match.group(1) is not None:
                iri = match.group(1)
            elif (match.group(2) or "") in prefixes:
                iri = prefixes[match.group(2) or ""] + match.group(3)
            else:
                continue
            found.setdefault(iri, number)
    return found


def _search(text: str, iri: str, prefixes: dict[str, str]) -> int | None:
    """First line where ``iri`` is written, as <IRI> or as a prefixed name."""
    spellings = [re.escape(f"<{iri}>")]
    for name, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            spellings.append(r"(?<![\w:-])" + re.escape(f"{name}:{iri[len(namespace):]}")
                             + r"(?![\w\-:]|\.[\w-])")
    pattern = re.compile("|".join(spellings))
    for number, line in enumerate(text.splitlines(), 1):
        if not line.lstrip().startswith("#") and pattern.search(line):
            return number
    return None


