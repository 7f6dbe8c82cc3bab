"""sites.yaml and rules/*.yaml to frozen models; every error names file:line, the key and what is allowed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .errors import ConfigError
from .models import (
    AGENCY_FUNCTIONS,
    Agency,
    AgencyType,
    Category,
    Cues,
    Instrument,
    LocalText,
    Province,
    Registry,
    Requirement,
    RuleSet,
    Selector,
)
from .yamlsafe import YamlMap, YamlSeq, line_of, load_yaml

__all__ = ["Fields", "agency_from_options", "load_registry", "load_rules", "yaml_files"]

T = TypeVar("T")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
AGENCY_TYPES = tuple(t.value for t in AgencyType)


class Fields:
    """A mapping being validated, with where it came from for error messages."""

    def __init__(self, value: Any, path: str, where: str, *, line: int | None = None) -> None:
        if not isinstance(value, dict):
            raise ConfigError(f"expected a mapping, got {_kind(value)}", path=path, line=line, key=where)
        self.value: dict[str, Any] = value
        self.path = path
        self.where = where
        self.line = line_of(value) or line

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, path=self.path, line=line_of(self.value, key) or self.line, key=self._key(key))

    def check_keys(self, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        required = tuple(required)
        allowed = (*required, *optional)
        for key in self.value:
            if key not in allowed:
                raise self.error(key, f"unknown key; allowed: {', '.join(allowed)}")
        for key in required:
            if key not in self.value:
                raise ConfigError(
                    f"missing required key {key!r}",
                    path=self.path,
                    line=self.line,
                    key=self.where or key,
                )

    def get(self, key: str, kind: type[T], default: T | None = None) -> T:
        if key not in self.value or self.value[key] is None:
            if default is None:
                raise ConfigError(f"missing required key {key!r}", path=self.path, line=self.line, key=self.where)
            return default
        value = self.value[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(key, f"expected {kind.__name__}, got {_kind(value)}")
        return value

    def optional(self, key: str, kind: type[T]) -> T | None:
        if self.value.get(key) is None:
            return None
        return self.get(key, kind)

    def text(self, key: str) -> str:
        value = self.get(key, str)
        if not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def ident(self, key: str) -> str:
        value = self.get(key, str)
        if not _ID.match(value):
            raise self.error(
                key,
                f"{value!r} is not an id: lower-case letters, digits and _ , starting with a letter",
            )
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        seq = self.value.get(key)
        if seq is None:
            return ()
        if not isinstance(seq, list):
            raise self.error(key, f"expected a list of strings, got {_kind(seq)}")
        for i, item in enumerate(seq):
            if not isinstance(item, str) or not item.strip():
                raise ConfigError(
                    f"expected a non-empty string, got {_kind(item)}",
                    path=self.path,
                    line=line_of(seq, i),
                    key=f"{self._key(key)}[{i}]",
                )
        return tuple(seq)

    def choices(self, key: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
        """A list of strings, each one of ``allowed``; the first stranger is reported at its own line."""
        values = self.strings(key)
        for i, value in enumerate(values):
            if value not in allowed:
                raise ConfigError(
                    f"unknown {what} {value!r}; one of: {', '.join(allowed)}",
                    path=self.path,
                    line=line_of(self.value[key], i),
                    key=f"{self._key(key)}[{i}]",
                )
        return values

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.get(key, str)
        if value not in allowed:
            raise self.error(key, f"{value!r} is not allowed; one of: {', '.join(allowed)}")
        return value

    def date(self, key: str) -> dt.date | None:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise self.error(key, f"expected a date YYYY-MM-DD, got {_kind(value)}")
        return value

    def optional_local_text(self, key: str) -> LocalText | None:
        return None if self.value.get(key) is None else self.local_text(key)

    def local_text(self, key: str) -> LocalText:
        node = self.child(key)
        node.check_keys(("vi", "en"))
        return LocalText(vi=node.text("vi"), en=node.text("en"))

    def child(self, key: str) -> Fields:
        if key not in self.value:
            raise ConfigError(f"missing required key {key!r}", path=self.path, line=self.line, key=self.where)
        return Fields(self.value[key], self.path, self._key(key), line=line_of(self.value, key))

    def children(self, key: str) -> list[Fields]:
        seq = self.value.get(key)
        if not isinstance(seq, list):
            raise self.error(key, f"expected a list, got {_kind(seq)}")
        return [Fields(item, self.path, f"{self._key(key)}[{i}]", line=line_of(seq, i)) for i, item in enumerate(seq)]


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, YamlMap | dict):
        return "a mapping"
    if isinstance(value, YamlSeq | list):
        return "a list"
    return f"{type(value).__name__} {value!r}"[:80]


def _unique(nodes: list[Fields], make: Callable[[Fields], T], ident: Callable[[T], str], what: str) -> list[T]:
    seen: dict[str, int | None] = {}
    out: list[T] = []
    for node in nodes:
        obj = make(node)
        key = ident(obj)
        if key in seen:
            raise node.error("id", f"duplicate {what} id {key!r} (first on line {seen[key]})")
        seen[key] = line_of(node.value, "id") or node.line
        out.append(obj)
    return out


# ---------------------------------------------------------------- sites.yaml

_AGENCY_REQUIRED = ("id", "name", "type", "functions", "url")
_AGENCY_OPTIONAL = ("extra_hosts", "page_budget", "tls_verify", "robots", "crawl_delay", "note")


def _agency(node: Fields) -> Agency:
    node.check_keys(_AGENCY_REQUIRED, _AGENCY_OPTIONAL)
    agency_type = AgencyType(node.choice("type", AGENCY_TYPES))
    functions = node.choices("functions", AGENCY_FUNCTIONS, "function")
    url = node.text("url").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is no number or out of range
    except ValueError as exc:
        raise node.error("url", f"{url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise node.error("url", f"{url!r}: only http:// and https:// URLs are allowed")
    if not parts.hostname or not _HOST.match(parts.hostname):
        raise node.error("url", f"{url!r} has no valid host name")
    extra_hosts = tuple(h.lower() for h in node.strings("extra_hosts"))
    for i, host in enumerate(extra_hosts):
        if not _HOST.match(host):
            raise ConfigError(
                f"{host!r} is not a host name (no scheme, path or port)",
                path=node.path,
                line=line_of(node.value["extra_hosts"], i),
                key=f"{node.where}.extra_hosts[{i}]",
            )
    page_budget = node.optional("page_budget", int)
    if page_budget is not None and not 1 <= page_budget <= 100_000:
        raise node.error("page_budget", "must be between 1 and 100000")
    crawl_delay = node.optional("crawl_delay", float)
    if crawl_delay is not None and not 0 <= crawl_delay <= 60:
        raise node.error("crawl_delay", "must be between 0 and 60 seconds")
    robots = node.choice("robots", ("obey", "ignore")) if "robots" in node.value else "obey"
    tls_verify = node.optional("tls_verify", bool)
    return Agency(
        id=node.ident("id"),
        name=node.text("name"),
        type=agency_type,
        functions=functions,
        url=url,
        extra_hosts=extra_hosts,
        page_budget=page_budget,
        tls_verify=True if tls_verify is None else tls_verify,
        obey_robots=robots == "obey",
        crawl_delay=crawl_delay,
    )


def load_registry(path: Path) -> Registry:
    """Read and validate sites.yaml."""
    shown = str(path)
    root = Fields(load_yaml(path), shown, "")
    root.check_keys(("province", "agencies"))
    province_node = root.child("province")
    province_node.check_keys(("id", "name"))
    province = Province(id=province_node.ident("id"), name=province_node.text("name"))
    agencies = _unique(root.children("agencies"), _agency, lambda a: a.id, "agency")
    if not agencies:
        raise root.error("agencies", "the registry lists no agencies")
    return Registry(province=province, agencies=tuple(agencies), source=shown)


# ---------------------------------------------------------------- rules/


def _compile_check(node: Fields, key: str, phrases: tuple[str, ...]) -> None:
    # Phrases are matched literally after folding; refuse regex syntax so nobody thinks it works.
    for i, phrase in enumerate(phrases):
        if re.search(r"[\\^$*+?{}\[\]|()]", phrase):
            raise ConfigError(
                f"{phrase!r}: cues are plain phrases, not regular expressions",
                path=node.path,
                line=line_of(node.value[key], i),
                key=f"{node._key(key)}[{i}]",
            )


def _category(node: Fields) -> Category:
    node.check_keys(("id", "name", "description", "fix", "dated", "cues"))
    cues = node.child("cues")
    cues.check_keys(("labels",), ("slugs", "titles", "negative"))
    for key in ("labels", "slugs", "titles", "negative"):
        _compile_check(cues, key, cues.strings(key))
    labels = cues.strings("labels")
    if not labels:
        raise cues.error("labels", "at least one label is needed to recognise the category")
    return Category(
        id=node.ident("id"),
        name=node.local_text("name"),
        description=node.local_text("description"),
        fix=node.local_text("fix"),
        dated=node.get("dated", bool),
        cues=Cues(
            labels=labels,
            slugs=cues.strings("slugs"),
            titles=cues.strings("titles"),
            negative=cues.strings("negative"),
        ),
    )


def _instrument(node: Fields) -> Instrument:
    node.check_keys(
        ("id", "short", "title", "effective_from", "verified", "source"), ("effective_until", "replaces", "province")
    )
    effective_from = node.date("effective_from")
    if effective_from is None:
        raise node.error("effective_from", "expected a date YYYY-MM-DD")
    effective_until = node.date("effective_until")
    if effective_until is not None and effective_until < effective_from:
        raise node.error("effective_until", "ends before effective_from")
    return Instrument(
        id=node.ident("id"),
        short=node.text("short"),
        title=node.local_text("title"),
        effective_from=effective_from,
        effective_until=effective_until,
        verified=node.get("verified", bool),
        source=node.text("source"),
        replaces=node.strings("replaces"),
        province=node.ident("province") if "province" in node.value else None,
    )


def _selector(node: Fields) -> Selector:
    node.check_keys(("type",), ("functions",))
    functions = node.choices("functions", AGENCY_FUNCTIONS, "function")
    return Selector(type=AgencyType(node.choice("type", AGENCY_TYPES)), functions=frozenset(functions))


def _requirement(node: Fields, instrument: Instrument, categories: dict[str, Category]) -> Requirement:
    node.check_keys(
        ("category", "citation", "verified", "applies_to", "weight"),
        ("id", "max_age_days", "deadline", "advisory", "note"),
    )
    category = node.get("category", str)
    if category not in categories:
        raise node.error(
            "category",
            f"unknown category {category!r}; defined in categories.yaml: " + ", ".join(sorted(categories)),
        )
    max_age = node.optional("max_age_days", int)
    if max_age is not None and not 1 <= max_age <= 3660:
        raise node.error("max_age_days", "must be between 1 and 3660 days, or null")
    weight = node.get("weight", int)
    if not 1 <= weight <= 5:
        raise node.error("weight", "must be between 1 and 5")
    selectors = tuple(_selector(s) for s in node.children("applies_to"))
    if not selectors:
        raise node.error("applies_to", "needs at least one {type: ...} selector")
    local_id = node.ident("id") if "id" in node.value else category
    return Requirement(
        id=f"{instrument.id}/{local_id}",
        instrument=instrument,
        category=category,
        citation=node.text("citation"),
        verified=node.get("verified", bool),
        applies_to=selectors,
        max_age_days=max_age,
        weight=weight,
        advisory=node.get("advisory", bool, False),
        deadline=node.optional_local_text("deadline"),
        note=node.optional_local_text("note"),
    )


def _requirement_file(path: Path, categories: dict[str, Category]) -> tuple[Instrument, list[Requirement], int]:
    root = Fields(load_yaml(path), str(path), "")
    root.check_keys(("schema_version", "instrument", "requirements"))
    if root.get("schema_version", int) != 1:
        raise root.error("schema_version", "only schema_version 1 is supported")
    instrument = _instrument(root.child("instrument"))
    # Two articles of one instrument may require the same category: number the later ones.
    requirements: list[Requirement] = []
    explicit: dict[str, int | None] = {}
    for node in root.children("requirements"):
        requirement = _requirement(node, instrument, categories)
        if "id" in node.value:
            if requirement.id in explicit:
                raise node.error(
                    "id", f"duplicate requirement id {requirement.id!r} (first on line {explicit[requirement.id]})"
                )
            explicit[requirement.id] = line_of(node.value, "id")
        taken = {r.id for r in requirements}
        if requirement.id in taken and "id" not in node.value:
            n = 2
            while f"{requirement.id}-{n}" in taken:
                n += 1
            requirement = replace(requirement, id=f"{requirement.id}-{n}")
        requirements.append(requirement)
    return instrument, requirements, line_of(root.value, "instrument") or 1


def _check_succession(instruments: dict[str, tuple[Instrument, str, int]]) -> None:
    """An instrument that replaces another may not be in force at the same time (e.g. NĐ 42/2022 and 43/2011)."""
    for instrument, path, line in instruments.values():
        for old_id in instrument.replaces:
            if old_id not in instruments:
                raise ConfigError(
                    f"replaces unknown instrument {old_id!r}; known: {', '.join(sorted(instruments))}",
                    path=path,
                    line=line,
                    key="instrument.replaces",
                )
            old = instruments[old_id][0]
            if old.effective_until is None or old.effective_until >= instrument.effective_from:
                until = old.effective_until.isoformat() if old.effective_until else "open-ended"
                raise ConfigError(
                    f"validity overlaps the instrument it replaces: {old_id} is in force until {until}, "
                    f"{instrument.id} from {instrument.effective_from.isoformat()}; "
                    f"{old_id} must end before {instrument.id} starts",
                    path=path,
                    line=line,
                    key="instrument.effective_from",
                )


def yaml_files(folder: Path) -> list[Path]:
    """The YAML files of a rules folder, by name: ``.yaml`` or ``.yml``, as editors and people name them."""
    return sorted((*folder.glob("*.yaml"), *folder.glob("*.yml")), key=lambda path: path.name)


def load_rules(rules_dir: Path, *, province: str | None = None) -> RuleSet:
    """Read and cross-check rules/categories.yaml, rules/requirements/*.yaml and the province's overlays.

    An overlay (rules/overlays/*.yaml, an instrument with ``province:``) adds or tightens requirements
    for one province without editing the national files; others' overlays are validated but not applied.
    """
    if not rules_dir.is_dir():
        raise ConfigError("not a directory; expected the rules folder with categories.yaml", path=str(rules_dir))
    catalogue = rules_dir / "categories.yaml"
    if not catalogue.exists() and (rules_dir / "categories.yml").exists():
        catalogue = rules_dir / "categories.yml"
    root = Fields(load_yaml(catalogue), str(catalogue), "")
    root.check_keys(("schema_version", "version", "categories"))
    if root.get("schema_version", int) != 1:
        raise root.error("schema_version", "only schema_version 1 is supported")
    version = str(root.value.get("version") or "")
    if not version:
        raise root.error("version", "the rule-set version is required (it is reported in every audit)")
    categories = {c.id: c for c in _unique(root.children("categories"), _category, lambda c: c.id, "category")}
    national = yaml_files(rules_dir / "requirements")
    if not national:
        raise ConfigError("no requirement files (requirements/*.yaml)", path=str(rules_dir))
    overlays = yaml_files(rules_dir / "overlays")
    requirements: list[Requirement] = []
    instruments: dict[str, tuple[Instrument, str, int]] = {}
    for path in (*national, *overlays):
        instrument, reqs, line = _requirement_file(path, categories)
        if instrument.id in instruments:
            _, first, first_line = instruments[instrument.id]
            raise ConfigError(
                f"duplicate instrument id {instrument.id!r} (also in {first}:{first_line})",
                path=str(path),
                line=line,
                key="instrument.id",
            )
        is_overlay = path in overlays
        if is_overlay != (instrument.province is not None):
            raise ConfigError(
                "a province overlay needs instrument.province and lives in overlays/; national files have none",
                path=str(path),
                line=line,
                key="instrument.province",
            )
        instruments[instrument.id] = (instrument, str(path), line)
        if instrument.province is None or instrument.province == province:
            requirements.extend(reqs)
    _check_succession(instruments)
    return RuleSet(
        version=version,
        categories=tuple(categories.values()),
        requirements=tuple(requirements),
        source=str(rules_dir),
    )


def agency_from_options(url: str, agency_type: str, functions: tuple[str, ...], extra_hosts: tuple[str, ...]) -> Agency:
    """An ad-hoc agency from ``auditor check`` flags, validated like a sites.yaml entry."""
    entry = YamlMap(
        id="self_check",
        name=urlsplit(url).hostname or url,
        type=agency_type,
        functions=list(functions),
        url=url,
        extra_hosts=list(extra_hosts),
    )
    entry.line = 0
    entry.key_lines = {}
    return _agency(Fields(entry, "command line", "check"))
