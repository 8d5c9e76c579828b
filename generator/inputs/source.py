"""Read a YAML file as plain data, strictly, remembering where every value came from.

YAML is read as data only. The reader walks the parser's event stream itself instead of
using a PyYAML constructor, so that:

- no tag (``!!python/object``, ``!!binary``, ``!custom``) and no anchor or alias is accepted:
  nothing is constructed but ``dict``, ``list``, ``str`` and ``None``;
- every scalar stays the text the person typed (``NO``, ``on``, ``012345``, ``1:20``); the
  schema decides what a field's text means, so YAML 1.1 implicit typing never happens;
- duplicate keys, more than one document, nesting deeper than ``MAX_DEPTH`` and files larger
  than ``MAX_BYTES`` are errors, reported with line and column;
- every key and list item's position is kept in ``Document.positions`` by its path, e.g.
  ``("metrics", 0, "baseline") -> (57, 5)``, so later stages can point at the line.

Walking events keeps memory and recursion flat however deep the input nests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from csplan.exceptions import SourceError
from csplan.findings import Finding
from csplan.text import clean

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 100_000
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels; an account file needs at most 6"
_NULLS = {"", "~", "null", "Null", "NULL"}

try:  # libyaml's parser when present: same events, several times faster
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Path_ = tuple  # a path into the data: keys and list indexes


@dataclass
class Document:
    """A file's data, the position of every key and item in it, and warnings from reading it."""

    name: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)

    def at(self, path: Path_) -> tuple[int, int]:
        """Return (line, column) of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


class _Frame:
    __slots__ = ("container", "path", "key")

    def __init__(self, container: Any, path: Path_):
        self.container = container
        self.path = path
        self.key: str | None = None


def read_text(path: Path, name: str) -> str:
    """Return the file's text, or raise SourceError if it is too big, empty or not UTF-8."""

    def fail(message: str, line: int = 0) -> SourceError:
        return SourceError([Finding(name, line, 0 if line == 0 else 1, "error", "YAML", message)])

    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise fail(f"file is larger than {MAX_BYTES // 1000} kB; an account file is a few kB")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("file is saved as UTF-16; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(
            f"byte 0x{raw[exc.start]:02X} is not UTF-8; save the file as UTF-8", line
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise fail("file is empty; start from `csplan new NAME`")
    return text


def read_yaml(path: Path, name: str | None = None) -> Document:
    """Return the strict, position-tracked data of the YAML file at ``path``.

    ``name`` is how findings name the file (default: ``str(path)``). Raises SourceError with
    every problem found when the file is not acceptable data.
    """
    name = name or str(path)
    return parse_yaml(read_text(path, name), name)


def read_scalar(path: Path, keys: tuple[str, ...]) -> str | None:
    """Return the text at ``keys`` (mapping keys from the top, e.g. ``("account", "name")``)
    of the YAML file at ``path``, cleaned as ``read_yaml`` cleans it, reading the file no
    further than that value; None when the file cannot be read or has no text there.

    A quick look at one value, about 30 times faster than ``read_yaml`` for an account's
    name near the top (a book's shards read every account's name). It refuses nothing: for
    a file ``read_yaml`` accepts it returns what ``read_yaml`` would; for any other file
    some text or None, which its caller must not trust any further.
    """
    try:
        text = read_text(path, str(path))
    except SourceError:
        return None
    expect_key = object()
    stack: list[list] = []  # open containers: [path or None when off the way, mapping?, key]
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            top = stack[-1] if stack else None
            if top is not None and top[1] and top[2] is expect_key:  # a mapping's key
                top[2] = (clean(event.value)[0] if isinstance(event, yaml.ScalarEvent)
                          else None)
                if isinstance(event, yaml.CollectionStartEvent):
                    stack.append([None, isinstance(event, yaml.MappingStartEvent), expect_key])
                continue
            here: tuple | None = ()
            if top is not None:
                here = top[0] + (top[2],) if top[0] is not None and top[1] else None
                if top[1]:
                    top[2] = expect_key
            if isinstance(event, yaml.ScalarEvent):
                if here == keys:
                    if event.implicit[0] and event.value in _NULLS:
                        return None
                    value = clean(event.value)[0]
                    return value if value.strip() else None
            elif isinstance(event, yaml.CollectionStartEvent):
                on_the_way = here is not None and keys[:len(here)] == here
                stack.append([here if on_the_way else None,
                              isinstance(event, yaml.MappingStartEvent), expect_key])
    except yaml.YAMLError:
        return None
    return None


# What YAML 1.1 allows in a stream (its "printable" set); anything else is refused up front
# so the message can name the character and its position.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                            "\U00010000-\U0010ffff]")


def parse_yaml(text: str, name: str) -> Document:
    """Return the strict, position-tracked data of YAML ``text`` (see ``read_yaml``)."""
    errors: list[Finding] = []
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise SourceError([Finding(
            name, line, col, "error", "YAML",
            f"control character U+{ord(bad.group()):04X} is not allowed in a YAML file; "
            "delete it (write it as an escape in double quotes if it is really meant)")])
    doc = Document(name=name, data=None)
    removed: dict[tuple[int, int], list[str]] = {}

    def err(mark: Any, message: str) -> None:
        errors.append(Finding(name, mark.line + 1, mark.column + 1, "error", "YAML", message))

    stack: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    nodes = 0

    def place(value: Any, mark: Any, is_key_capable: bool) -> _Frame | None:
        """Attach ``value`` to the open container; return a frame if it is a new container."""
        pos = (mark.line + 1, mark.column + 1)
        if not stack:
            root.append(value)
            doc.positions[()] = pos
            return _Frame(value, ()) if isinstance(value, (dict, list)) else None
        top = stack[-1]
        if isinstance(top.container, list):
            child_path = top.path + (len(top.container),)
            top.container.append(value)
            doc.positions[child_path] = pos
        elif top.key is None:  # this node is a key
            if not is_key_capable:
                err(mark, "a key must be plain text, not a list or mapping")
                top.key = "\0invalid"
                return None
            key = "" if value is None else value
            if key in top.container:
                first = doc.positions[top.path + (key,)]
                err(mark, f"duplicate key '{key}' (first defined on line {first[0]}); "
                          "keep one of them")
                top.key = "\0duplicate"
            else:
                top.key = key
                doc.positions[top.path + (key,)] = pos
            return None
        else:
            child_path = top.path + (top.key,)
            if not top.key.startswith("\0"):
                top.container[top.key] = value
            top.key = None
        if isinstance(value, (dict, list)):
            return _Frame(value, child_path)
        return None

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent,
                                  yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    err(event.start_mark, "more than one YAML document (---); keep one "
                                          "account per file")
                    break
                continue
            mark = event.start_mark
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                continue
            nodes += 1
            if nodes > MAX_NODES:
                err(mark, f"more than {MAX_NODES} values; an account file is far smaller")
                break
            if isinstance(event, yaml.AliasEvent):
                err(mark, f"alias '*{event.anchor}' is not allowed; write the value out "
                          "in full")
                place(None, mark, True)
                continue
            if event.anchor is not None:
                err(mark, f"anchor '&{event.anchor}' is not allowed; write values out in full")
            if event.tag is not None and event.tag != "!":
                err(mark, f"tag '{event.tag}' is not allowed; csplan reads plain data only")
            if isinstance(event, yaml.ScalarEvent):
                value: Any
                if event.implicit[0] and event.value in _NULLS:
                    value = None
                else:
                    value, gone = clean(event.value)
                    if gone:
                        removed[(mark.line + 1, mark.column + 1)] = gone
                    if not value.strip():  # "" or "  " is no value, like an empty plain one
                        value = None
                place(value, mark, True)
                continue
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            if len(stack) >= MAX_DEPTH:
                err(mark, _TOO_DEEP)
                break
            frame = place(container, mark, False)
            stack.append(frame or _Frame(container, ("\0",)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "invalid YAML").rstrip(".")
        hint = _hint(problem)
        if "nesting depth" in problem and mark is not None:
            # PyYAML 6.0.4+ stops deep nesting itself, while scanning ahead of the events
            # counted here: the same problem, said our way.
            err(mark, _TOO_DEEP)
        elif ("quoted scalar" in (exc.context or "") and exc.context_mark is not None
              and ("end of stream" in problem or "document separator" in problem)):
            # The problem is found where the file ends; the cause is where the quote opened.
            err(exc.context_mark, "a quoted value starts here and its closing quote is "
                                  "missing; add it (or remove the opening one)")
        elif mark is not None:
            err(mark, f"YAML syntax: {problem}{hint}")
        else:
            errors.append(Finding(name, 1, 1, "error", "YAML", f"YAML syntax: {problem}"))
    except yaml.YAMLError as exc:  # pragma: no cover - characters are checked up front
        errors.append(Finding(name, 1, 1, "error", "YAML", f"YAML could not be read: {exc}"))

    if errors:
        raise SourceError(errors)
    doc.data = root[0] if root else None
    for (line, col), gone in sorted(removed.items()):
        doc.warnings.append(Finding(
            name, line, col, "warning", "TEXT",
            f"removed invisible or control characters {_names(gone)}; retype the text "
            "if it looks wrong"))
    return doc


def _names(names: list[str], shown: int = 8) -> str:
    """Return the names of removed characters, the first ``shown`` and how many more."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def _hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return " (a ':' inside a value? put the value in quotes)"
    if "cannot start any token" in problem or "tab" in problem:
        return " (a tab? indent with spaces, not tabs)"
    if "expected <block end>" in problem:
        return " (check the indentation of this line)"
    return ""
