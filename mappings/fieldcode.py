"""A field table's two directions as generated straight-line Python, built once per table.

Interpreting the rows cost a translation more than anything else it did: every row walked
its path again from the root, every consumed path was re-joined, and every value went through
a dispatch on its type. The generated function does per document only what the rows say: each
path prefix is looked up once and held in a local (the rows under ``product/name`` share the
lookup of ``product`` and of ``name``), a consumed path is a constant (only the index of a
selected list item is text made per document), a value's conversion is written inline for its
row's type, and the output tree is filled through locals naming the objects already made.

It does exactly what :class:`mappings.fieldmap.Path` does row after row, in the table's order:
the same values, the same member order, the same consumed paths, the same errors from the same
row. Writing through locals relies on the rows' output paths not overlapping (no row writes a
value where another makes an object or a list, one selector field per list, never written by
a row); a table whose rows overlap so is generated row by row with :meth:`Path.put` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

# The rows are ``FieldMap``'s compiled rules (rule, kind, arg, canonical and native paths) and
# the paths :class:`mappings.fieldmap.Path` objects: typed as Any, as fieldmap imports this module.
Row = Any
Path = Any
_Parts = tuple[tuple[bool, str], ...]  # a concrete path: (is a local holding an index, text)


def to_canonical(rows: Sequence[Row], env: dict[str, Any], *, record: bool = True) -> Callable[[Any], Any]:
    """``FieldMap.to_canonical`` of ``rows``. ``env`` names what the code calls: ``_dt`` (a
    decimal's text), ``_D`` (Decimal), ``_rcodes`` (native -> canonical code tables) and ``_bad_native_code``
    (raises for a native code no table row knows). With ``record=False`` the function returns
    the canonical data alone, the same, recording no consumed path (for a tree whose shape
    already proves every leaf consumed)."""
    writes = [row.canonical for row in rows if row.canonical is not None and row.kind != "const"]
    src = Source("to_canonical" if record else "canonical_values", "src", env,
                 cached_writes=writes_do_not_overlap(writes), record=record)
    for row in rows:
        if not record and (row.kind == "const" or row.canonical is None):
            continue  # a row that only consumes
        value, paths = src.read(row.native)
        src.line(f"if {value} is not _A:")
        for path in paths if record else ():
            src.line(f"add({path})", 2)
        if row.kind == "const" or row.canonical is None:
            continue
        native, result = repr(row.rule.native), "v"
        # A number the parser read (a Decimal) is written as _dt would write it, without the call:
        # its str (a third of format's cost) is the same text unless it has an exponent.
        text = (f"(s if 'E' not in (s := str({value})) and 'e' not in s else format({value}, 'f'))"
                f" if type({value}) is _D else _dt({value}, {native})")
        if row.kind in ("number", "decimal"):
            src.line(f"v = {text}", 2)
        elif row.kind in ("quantity-number", "quantity-decimal"):
            src.line(f"v = {{'amount': {text}, 'unit': {row.arg!r}}}", 2)
        elif row.kind == "code":
            src.line(f"t = _rcodes[{row.arg!r}]", 2)
            src.line(f"if {value} not in t:", 2)
            src.line(f"_bad_native_code({src.const(row.rule)}, {value})", 3)
            src.line(f"v = t[{value}]", 2)
        else:
            result = value
        src.write(row.canonical, result, 2)
    return src.function()


def to_native(rows: Sequence[Row], env: dict[str, Any]) -> Callable[..., tuple[dict[str, Any], set[str]]]:
    """``FieldMap.to_native`` of ``rows`` (called with the canonical data, the report,
    ``allow_defaults`` and ``supplied``). ``env`` names what the code calls: ``_D``
    (Decimal), ``_amount`` (a quantity's amount in the row's unit, or raises), ``_codes``
    (canonical -> native code tables), ``_bad_code`` (raises for a code the table lacks) and
    ``_default`` (a required row's documented default, or raises)."""
    src = Source("to_native", "src, report, allow_defaults, supplied", env,
                 cached_writes=writes_do_not_overlap(row.native for row in rows))
    for row in rows:
        rule = row.rule
        if row.kind == "const":
            src.write(row.native, src.const(rule.default), 1)
            continue
        if row.canonical is not None:
            value, paths = src.read(row.canonical)
            src.line(f"if {value} is not _A:")
            for path in paths:
                src.line(f"add({path})", 2)
            name, result = src.const(rule), "v"
            if row.kind == "number":
                src.line(f"v = _D({value})", 2)
            elif row.kind == "quantity-number":
                src.line(f"v = _D(_amount({name}, {value}, {row.arg!r}))", 2)
            elif row.kind == "quantity-decimal":
                src.line(f"v = _amount({name}, {value}, {row.arg!r})", 2)
            elif row.kind == "code":
                src.line(f"t = _codes[{row.arg!r}]", 2)
                src.line(f"if {value} not in t:", 2)
                src.line(f"_bad_code({name}, t, {value})", 3)
                src.line(f"v = t[{value}]", 2)
            else:
                result = value
            src.write(row.native, result, 2)
            if rule.required:
                src.line(f"elif {rule.native!r} not in supplied:")
                _defaulted(src, row, 2)
        elif rule.required:
            _defaulted(src, row, 1)
    return src.function()


def _defaulted(src: Source, row: Row, depth: int) -> None:
    """A required row's value absent: its default (or the refusal), then the report's line."""
    rule = row.rule
    src.line(f"v = _default({src.const(rule)}, allow_defaults)", depth)
    src.write(row.native, "v", depth)
    message = f"absent; documented default {rule.default!r} used"
    src.line(f"report.defaulted({rule.canonical!r}, {rule.native!r}, {message!r})", depth)


def select(node: Any, key: str, field: str, value: str, absent: object) -> tuple[Any, str | None]:
    """The first item of the list at ``key`` whose ``field`` is ``value`` and its index as
    text, or ``absent`` and None (what :meth:`Path.get` and :meth:`Path.locate` find)."""
    items = node.get(key) if isinstance(node, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict) and item.get(field) == value:
                return item, str(index)
    return absent, None


def writes_do_not_overlap(paths: Iterable[Path]) -> bool:
    """Whether the objects made along ``paths`` can be held in locals: each member of an
    output object is made by one kind of step (an object, a list of selected items, a value),
    each list selects its items by one field, and no row writes that field of an item."""
    roles: dict[tuple[tuple[str, ...], str], str] = {}
    fields: dict[tuple[tuple[str, ...], str], str] = {}
    item_of: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {}
    for path in paths:
        if not path.steps:
            return False
        prefix: tuple[str, ...] = ()
        for step in path.steps[:-1]:
            role = "object" if step.field is None else "list"
            if roles.setdefault((prefix, step.key), role) != role:
                return False
            if step.field is not None:
                if fields.setdefault((prefix, step.key), step.field) != step.field:
                    return False
                item_of[(*prefix, step.text)] = (prefix, step.key)
            prefix = (*prefix, step.text)
        if roles.setdefault((prefix, path.steps[-1].text), "value") != "value":
            return False
    return not any(owner in item_of and fields[item_of[owner]] == name for owner, name in roles)


class Source:
    """One generated function: its lines, the objects its code names, and the locals holding
    the nodes read so far and the containers made so far."""

    def __init__(self, name: str, params: str, env: dict[str, Any], *, cached_writes: bool, record: bool = True) -> None:
        self.name = name
        self.record = record  # whether the function returns the consumed paths beside its tree
        self.env = env
        self.cached_writes = cached_writes
        self.body: list[str] = []
        self._params = params
        self._count = 0
        self._reads: dict[tuple[str, ...], tuple[str, _Parts]] = {}
        self._members: dict[str, str] = {}  # a node's local -> the local of the object whose members are read
        self._writes: dict[tuple[str, ...], str] = {}
        self._lists: dict[tuple[tuple[str, ...], str], str] = {}
        self._made: set[str] = set()  # containers made unconditionally above the current line
        self._consts: dict[int, str] = {}

    def local(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def const(self, value: Any) -> str:
        """A name for ``value`` in the function's globals (the object itself, not a copy)."""
        name = self._consts.get(id(value))
        if name is None:
            name = self._consts[id(value)] = self.local(f"{self.name}_k")  # both directions share the globals
            self.env[name] = value
        return name

    def line(self, text: str, depth: int = 1) -> None:
        self.body.append("    " * depth + text)

    # -- reading ---------------------------------------------------------------------------

    def read(self, path: Path) -> tuple[str, list[str]]:
        """Lines (at the function's top level) that read ``path``; the local holding the value
        or ``_A`` and the expressions of the concrete paths a found value consumes."""
        if not self.cached_writes:
            self._reads, self._members = {}, {}  # rows may write into what they read: each reads afresh
        node, parts = "src", ()
        selectors: list[_Parts] = []
        texts: tuple[str, ...] = ()
        for step in path.steps:
            texts = (*texts, step.text)
            if texts in self._reads:
                node, parts = self._reads[texts]
            else:
                var = self.local("r")
                if step.field is None:
                    self.line(f"{var} = {self._object(node)}.get({step.key!r}, _A)")
                    parts = (*parts, (False, step.key))
                else:
                    index = self.local("x")
                    self.line(f"{var}, {index} = _select({node}, {step.key!r}, {step.field!r}, {step.value!r}, _A)")
                    parts = (*parts, (False, step.key), (True, index))
                node = var
                self._reads[texts] = (var, parts)
            if step.field is not None:
                selectors.append((*parts, (False, step.field)))
        return node, [_joined(p) for p in (parts, *selectors)]

    def _object(self, node: str) -> str:
        """The local holding ``node`` when it is an object, else an empty one (``_E``, never
        written): decided once per node, not once per member read from it."""
        members = self._members.get(node)
        if members is None:
            members = self._members[node] = self.local("o")
            # An exact dict is told by one identity test; anything else by isinstance, as before.
            self.line(f"{members} = {node} if type({node}) is dict or isinstance({node}, dict) else _E")
        return members

    # -- writing ---------------------------------------------------------------------------

    def write(self, path: Path, value: str, depth: int) -> None:
        """Lines (at ``depth``) that put the expression ``value`` at ``path`` as :meth:`Path.put`
        does: objects and selected items made on first use, in the same order."""
        if not self.cached_writes:
            self.line(f"{self.const(path)}.put(dst, {value})", depth)
            return
        target, lines = self._container(path.steps[:-1], depth)
        self.body.extend("    " * depth + text for text in lines)
        self.line(f"{target}[{path.steps[-1].text!r}] = {value}", depth)

    def _container(self, steps: tuple[Any, ...], depth: int) -> tuple[str, list[str]]:
        """The local of the object reached by ``steps`` and the lines (relative to ``depth``)
        that make it and whatever is missing above it; a made object's check is skipped."""
        if not steps:
            return "dst", []
        texts = tuple(s.text for s in steps)
        step = steps[-1]
        var = self._writes.get(texts)
        if var is None:
            var = self._writes[texts] = self.local("w")
        if var in self._made:
            return var, []
        parent, above = self._container(steps[:-1], depth)
        if step.field is None:
            make = [f"    {var} = {parent}[{step.key!r}] = {{}}"]
        else:
            make = self._list_lines(texts[:-1], step.key, parent, above, depth) + [
                f"    {var} = {{{step.field!r}: {step.value!r}}}", f"    {self._lists[texts[:-1], step.key]}.append({var})"]
            above = []
        if depth == 1:
            self._made.add(var)
        return var, [f"if {var} is None:", *("    " + t for t in above), *make]

    def _list_lines(self, prefix: tuple[str, ...], key: str, parent: str, above: list[str], depth: int) -> list[str]:
        items = self._lists.get((prefix, key))
        if items is None:
            items = self._lists[prefix, key] = self.local("w")
        if items in self._made:
            return []
        if depth == 1:
            self._made.add(items)
        return [f"    if {items} is None:", *("        " + t for t in above), f"        {items} = {parent}[{key!r}] = []"]

    def function(self) -> Callable[..., Any]:
        made = [*self._writes.values(), *self._lists.values()]
        head = [f"def {self.name}({self._params}, _A=_A, _E=_E, isinstance=isinstance, dict=dict, _select=_select):",
                "    dst = {}", *(("    consumed = set()", "    add = consumed.add") if self.record else ())]
        if made:
            head.append("    " + " = ".join(made) + " = None")
        source = "\n".join([*head, *self.body, "    return dst, consumed" if self.record else "    return dst"])
        self.env["_E"] = _NO_MEMBERS
        exec(compile(source, f"<field table {self.name}>", "exec"), self.env)  # noqa: S102 - source generated from a field table
        return self.env[self.name]


# What the generated code reads a member of a node that is not an object from (only read).
_NO_MEMBERS: dict[str, Any] = {}


def _joined(parts: _Parts) -> str:
    """The expression of a concrete path: literal segments merged, index locals concatenated."""
    chunks: list[str] = []
    literal: list[str] = []
    for is_local, text in parts:
        if is_local:
            if literal:
                chunks.append(repr("/".join(literal) + "/"))
                literal = []
            chunks.append(text)
            literal = [""]
        else:
            literal.append(text)
    if literal and literal != [""]:
        chunks.append(repr("/".join(literal)))
    return " + ".join(chunks) if chunks else "''"


# -- what a table's reading leaves unconsumed --------------------------------------------------


class _Slot:
    """What the rows read at one member of an object: the member whole (``whole``), or an
    object (``kids``), or a list whose every item is such a slot (``item``)."""

    __slots__ = ("whole", "kids", "item")

    def __init__(self) -> None:
        self.whole = False
        self.kids: dict[str, _Slot] | None = None
        self.item: _Slot | None = None


def covered(paths: Iterable[str]) -> Callable[[Any], bool] | None:
    """A function telling, from a tree's shape alone, that reading it by rows on ``paths``
    consumes every leaf (``unconsumed`` would find nothing): each object the rows pass
    through holds only members some row reads, and each of those is what the rows take it to
    be. A segment ``key[]`` stands for every item of the list at ``key``. True is a proof,
    False only a doubt (the caller walks the leaves). None when the rows select list items by
    a field, whose reading depends on the values."""
    root = _Slot()
    root.kids = {}
    for path in paths:
        slot = root
        for segment in (s for s in path.split("/") if s):
            listed = segment.endswith("[]")
            key = segment[:-2] if listed else segment
            if "[" in key or "]" in key:
                return None
            if slot.whole:
                break  # read whole: whatever lies below is consumed with it
            if slot.kids is None:
                if slot.item is not None:
                    return None  # one row takes the member for a list, another for an object
                slot.kids = {}
            slot = slot.kids.setdefault(key, _Slot())
            if listed:
                if slot.kids is not None:
                    return None
                slot.item = slot.item or _Slot()
                slot = slot.item
        else:
            slot.whole, slot.kids, slot.item = True, None, None
    env: dict[str, Any] = {"_A": _ABSENT_HERE}
    lines = ["def covered(src):"]
    counter = iter(range(1_000_000))
    _covered_lines(root, "src", 1, lines, env, counter)
    lines.append("    return True")
    exec(compile("\n".join(lines), "<field table covered>", "exec"), env)  # noqa: S102 - source generated from a field table
    return env["covered"]  # type: ignore[no-any-return]


_ABSENT_HERE = object()  # a member the tree does not have (None is a value)


def _covered_lines(slot: _Slot, var: str, depth: int, lines: list[str], env: dict[str, Any], counter: Iterator[int]) -> None:
    """Lines returning False unless the value in ``var`` is what ``slot`` reads, wholly consumed."""
    pad = "    " * depth
    if slot.whole:
        return
    if slot.item is not None:
        lines.append(f"{pad}if type({var}) is not list:")
        lines.append(f"{pad}    return False")
        if not slot.item.whole:
            item = f"e{next(counter)}"
            lines.append(f"{pad}for {item} in {var}:")
            _covered_lines(slot.item, item, depth + 1, lines, env, counter)
        return
    known = f"K{next(counter)}"
    env[known] = frozenset(slot.kids or ())
    lines.append(f"{pad}if type({var}) is not dict or not {known}.issuperset({var}):")
    lines.append(f"{pad}    return False")
    for key, kid in (slot.kids or {}).items():
        if kid.whole:
            continue
        member = f"m{next(counter)}"
        lines.append(f"{pad}{member} = {var}.get({key!r}, _A)")
        lines.append(f"{pad}if {member} is not _A:")
        _covered_lines(kid, member, depth + 1, lines, env, counter)
