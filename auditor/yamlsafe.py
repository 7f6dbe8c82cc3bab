"""Strict YAML loading for user files: line numbers kept, duplicate keys, foreign tags and bombs refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

__all__ = ["MAX_FILE_BYTES", "MAX_NODES", "YamlMap", "YamlSeq", "line_of", "load_yaml"]

MAX_FILE_BYTES = 5 * 1024 * 1024
# A rule pack has a few thousand nodes; aliases that expand past this are a "billion laughs".
MAX_NODES = 200_000

_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


# libyaml parses several times faster and keeps the same marks (lines); pure Python where it is missing.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlMap(dict[str, Any]):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class YamlSeq(list[Any]):
    """A sequence that remembers the line of itself and of each element (1-based)."""

    line: int = 0
    item_lines: list[int]


def line_of(value: object, key: str | int | None = None) -> int | None:
    """The line of ``value`` or of its key/index, when it was loaded by :func:`load_yaml`."""
    if isinstance(value, YamlMap):
        return value.key_lines.get(key, value.line) if isinstance(key, str) else value.line
    if isinstance(value, YamlSeq):
        if isinstance(key, int) and 0 <= key < len(value.item_lines):
            return value.item_lines[key]
        return value.line
    return None


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, path: str) -> None:
        self.loader = loader
        self.path = path
        self.nodes = 0

    def build(self, node: yaml.Node) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ConfigError(
                f"document expands to more than {MAX_NODES} values (anchors/aliases nested too deep?)",
                path=self.path,
                line=node.start_mark.line + 1,
            )
        if node.tag not in _ALLOWED_TAGS:
            raise ConfigError(
                f"tag {node.tag!r} is not allowed; only plain YAML values (strings, numbers, "
                "booleans, null, dates, mappings and lists)",
                path=self.path,
                line=node.start_mark.line + 1,
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            seq = YamlSeq(self.build(child) for child in node.value)
            seq.line = node.start_mark.line + 1
            seq.item_lines = [child.start_mark.line + 1 for child in node.value]
            return seq
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise ConfigError(str(exc).splitlines()[0], path=self.path, line=node.start_mark.line + 1) from None
        except ValueError as exc:  # a date that does not exist (2025-02-29): PyYAML lets datetime's error through
            raise ConfigError(
                f"{node.value!r} is not a valid date: {exc}", path=self.path, line=node.start_mark.line + 1
            ) from None

    def _mapping(self, node: yaml.MappingNode) -> YamlMap:
        result = YamlMap()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise ConfigError(
                    "mapping keys must be plain strings (merge keys '<<' are not supported)",
                    path=self.path,
                    line=line,
                )
            key = str(key_node.value)
            if key in result:
                raise ConfigError(
                    f"duplicate key (first defined on line {result.key_lines[key]})",
                    path=self.path,
                    line=line,
                    key=key,
                )
            result.key_lines[key] = line
            result[key] = self.build(value_node)
        return result


def load_yaml(path: Path) -> Any:
    """Parse one YAML document from ``path`` strictly; every problem is a located ConfigError."""
    shown = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror or exc}", path=shown) from None
    if size > MAX_FILE_BYTES:
        raise ConfigError(f"file is {size} bytes; at most {MAX_FILE_BYTES} are allowed", path=shown)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror or exc}", path=shown) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=shown) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ConfigError("file is empty", path=shown, line=1)
        return _Builder(loader, shown).build(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and exc.context_mark is not None:
            problem += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise ConfigError(f"YAML syntax error: {problem}", path=shown, line=line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, other controls)
        # The first such character: libyaml's position counts bytes, not characters, so find it.
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        line = text.count("\n", 0, max(text.find(char), 0)) + 1
        raise ConfigError(
            f"character {char!r} is not allowed in YAML (control characters are not)", path=shown, line=line
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML error: {exc}", path=shown) from None
    finally:
        loader.dispose()
