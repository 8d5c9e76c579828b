"""Edit an account file's YAML text in place: add list items, replace one, nothing else.

``csplan import`` must leave every comment, blank line, key order and quoting of the rest of
the file byte-for-byte as the person wrote it, so it never dumps data back to YAML. It finds
where a list's items start and end with PyYAML's composer (its pure-Python one, whose marks
count characters of the text) and splices text in there:

- a block list gets new lines after its last item (or before the first later item), indented
  like its items and in their style (``- {week: ..., usage: 80}`` or ``- id: ...`` lines);
- a flow list (``[]``, ``[{...}]``) gets the items before its ``]``;
- a missing key (a metric without ``actuals``, an account without ``health``) is added at
  the end of its mapping, with the keys below it.

The file's line ending (LF or CR LF) is kept. Scalars are written plain when that reads back
as the same text, else double-quoted (``scaffold.yaml_str``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional, Union

import yaml

from csplan.inputs.scaffold import yaml_str

Item = dict[str, Any]
_PLAIN = re.compile(r"^[^\W_][\w .@'/&+()-]*$")
_NULLS = {"null", "Null", "NULL", "~"}


def scalar(value: Any) -> str:
    """Return ``value`` as YAML that csplan's reader reads back as the same text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and not text.endswith(" ") and text not in _NULLS:
        return text
    return yaml_str(text)


def flow(item: Item) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in item.items()) + "}"


def block(item: Item, indent: int, nl: str) -> str:
    """Return ``item`` as block mapping lines after a ``- `` at column ``indent``, without
    the first line's indentation."""
    pad = " " * (indent + 2)
    return (nl + pad).join(f"{k}: {scalar(v)}" for k, v in item.items())


@dataclass
class Add:
    """Add ``items`` to the list at ``path`` (keys and indexes from the top), before the
    item at index ``before`` (None: at the end)."""

    path: tuple
    items: list[Item]
    before: Optional[int] = None
    flow: bool = True  # the items' style in a list that has none yet


@dataclass
class Replace:
    """Replace the list item at ``path`` with ``item``."""

    path: tuple
    item: Item


Edit = Union[Add, Replace]


def apply(text: str, edits: list[Edit]) -> str:
    """Return ``text`` with ``edits`` made (each against the original text)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    nl = "\r\n" if "\r\n" in text else "\n"
    splices: list[tuple[int, int, str]] = []
    grouped: dict[tuple, Add] = {}  # adds at one place go in as one, in their order
    for edit in edits:
        if isinstance(edit, Add):
            key = (edit.path, edit.before)
            if key in grouped:
                grouped[key].items.extend(edit.items)
                continue
            grouped[key] = edit = Add(edit.path, list(edit.items), edit.before, edit.flow)
    for edit in [e for e in edits if isinstance(e, Replace)] + list(grouped.values()):
        if isinstance(edit, Replace):
            splices.append(_replace(text, root, edit, nl))
        else:
            splices.append(_add(text, root, edit, nl))
    for start, end, new in sorted(splices, key=lambda s: (s[0], s[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        return node.value[key] if key < len(node.value) else None
    return None


def _last_end(node: Any) -> int:
    """Return the index just past the last character of ``node``'s own text."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style:
        return node.end_mark.index
    if not node.value:
        return node.start_mark.index
    last = node.value[-1]
    return _last_end(last[1] if isinstance(node, yaml.MappingNode) else last)


def _line_end(text: str, index: int) -> int:
    """Return the index of the line break ending the line that holds ``index``."""
    at = text.find("\n", index)
    if at < 0:
        return len(text)
    return at - 1 if at > 0 and text[at - 1] == "\r" else at


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _item_text(item: Item, as_flow: bool, dash: int, nl: str) -> str:
    return " " * dash + "- " + (flow(item) if as_flow else block(item, dash, nl))


def _add(text: str, root: Any, edit: Add, nl: str) -> tuple[int, int, str]:
    node, parent, depth = root, None, 0
    for key in edit.path:
        child = _child(node, key)
        if child is None:
            break
        parent, node, depth = node, child, depth + 1
    as_flow = edit.flow
    if depth < len(edit.path):  # keys missing below ``node``, a mapping
        if isinstance(node, yaml.ScalarNode) and parent is not None:  # `key:` with no value
            return _fill_empty(text, node, parent, edit.path[depth:], edit.items, as_flow, nl)
        return _add_keys(text, node, edit.path[depth:], edit.items, as_flow, nl)
    if isinstance(node, yaml.ScalarNode):  # `actuals:` with no value
        return _fill_empty(text, node, parent, (), edit.items, as_flow, nl)
    if not isinstance(node, yaml.SequenceNode):
        raise ValueError(f"{'.'.join(map(str, edit.path))} is not a list")
    if node.flow_style:
        close = node.end_mark.index - 1
        items = ", ".join(flow(i) for i in edit.items)
        return close, close, (", " if node.value else "") + items
    dash = node.start_mark.column
    as_flow = bool(node.value[-1].flow_style) if isinstance(
        node.value[-1], yaml.CollectionNode) else as_flow
    new = nl.join(_item_text(i, as_flow, dash, nl) for i in edit.items)
    if edit.before is not None and edit.before < len(node.value):
        at = _line_start(text, node.value[edit.before].start_mark.index)
        return at, at, new + nl
    at = _line_end(text, _last_end(node.value[-1]))
    return at, at, nl + new


def _fill_empty(text: str, node: Any, parent: Any, keys: tuple, items: list[Item],
                as_flow: bool, nl: str) -> tuple[int, int, str]:
    """Give ``key:`` (no value, or null) the keys below it and the list."""
    key_node = next(k for k, v in parent.value if v is node)
    indent = key_node.start_mark.column + 2
    if node.value:  # `null` or `~`: replaced by the value in flow style
        return node.start_mark.index, node.end_mark.index, _flow_value(keys, items)
    at = _line_end(text, key_node.end_mark.index)
    return at, at, nl + _nested(keys, items, indent, as_flow, nl)


def _flow_value(keys: tuple, items: list[Item]) -> str:
    """Return the list of ``items`` under ``keys`` in flow style: ``{weekly: [{...}]}``."""
    value = "[" + ", ".join(flow(i) for i in items) + "]"
    for key in reversed(keys):
        value = "{" + f"{key}: {value}" + "}"
    return value


def _nested(keys: tuple, items: list[Item], indent: int, as_flow: bool, nl: str) -> str:
    lines = []
    for key in keys:
        lines.append(" " * indent + f"{key}:")
        indent += 2
    lines += [_item_text(i, as_flow, indent, nl) for i in items]
    return nl.join(lines)


def _add_keys(text: str, node: Any, keys: tuple, items: list[Item], as_flow: bool,
              nl: str) -> tuple[int, int, str]:
    """Add ``keys`` (the first missing in mapping ``node``) with the list at the bottom."""
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("the place to add to is not a mapping")
    if node.flow_style:
        close = node.end_mark.index - 1
        return close, close, (", " if node.value else "") + f"{keys[0]}: " + _flow_value(
            keys[1:], items)
    indent = node.value[0][0].start_mark.column if node.value else 0
    at = _line_end(text, _last_end(node))
    return at, at, nl + _nested(keys, items, indent, as_flow, nl)


def _replace(text: str, root: Any, edit: Replace, nl: str) -> tuple[int, int, str]:
    node = root
    for key in edit.path:
        node = _child(node, key)
        if node is None:
            raise ValueError(f"no item at {edit.path}")
    start, end = node.start_mark.index, _last_end(node)
    if isinstance(node, yaml.MappingNode) and not node.flow_style:
        return start, end, block(edit.item, node.start_mark.column - 2, nl)
    return start, end, flow(edit.item)
