"""The contract follows buf's STANDARD and COMMENTS lint rules.

``buf lint`` runs when buf is installed; the same rules are also checked here from the
descriptors (with source info, for comments) so that a machine without buf still checks them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

from gateway._proto import regenerate

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "jjj.footprint.v1"

# Field numbers in descriptor.proto, used to address elements in SourceCodeInfo paths.
FILE_MESSAGE, FILE_ENUM, FILE_SERVICE = 4, 5, 6
MESSAGE_FIELD, MESSAGE_NESTED, MESSAGE_ENUM, MESSAGE_ONEOF = 2, 3, 4, 8
ENUM_VALUE = 2
SERVICE_METHOD = 2

_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
_LOWER_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def _upper_snake(pascal: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", pascal).upper()


def _descriptor_set(tmp_path: Path) -> descriptor_pb2.FileDescriptorSet:
    from grpc_tools import protoc

    out = tmp_path / "contract.binpb"
    args = [
        "protoc",
        f"-I{regenerate.PROTO_ROOT}",
        f"-I{resources.files('grpc_tools') / '_proto'}",
        "--include_source_info",
        f"--descriptor_set_out={out}",
        *(str(p) for p in regenerate.proto_files(packages=(regenerate.PROTO_PACKAGE,))),
    ]
    assert protoc.main(args) == 0
    return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[descriptor_pb2.FileDescriptorProto]:
    return list(_descriptor_set(tmp_path_factory.mktemp("desc")).file)


def _elements(fd: descriptor_pb2.FileDescriptorProto):
    """(path, kind, name, descriptor) of every element that buf's COMMENTS rules cover."""

    def message(msg, path):
        yield path, "message", msg.name, msg
        for i, field in enumerate(msg.field):
            yield (*path, MESSAGE_FIELD, i), "field", f"{msg.name}.{field.name}", field
        for i, oneof in enumerate(msg.oneof_decl):
            yield (*path, MESSAGE_ONEOF, i), "oneof", f"{msg.name}.{oneof.name}", oneof
        for i, nested in enumerate(msg.nested_type):
            if not nested.options.map_entry:
                yield from message(nested, (*path, MESSAGE_NESTED, i))
        for i, en in enumerate(msg.enum_type):
            yield from enum(en, (*path, MESSAGE_ENUM, i))

    def enum(en, path):
        yield path, "enum", en.name, en
        for i, value in enumerate(en.value):
            yield (*path, ENUM_VALUE, i), "enum value", value.name, value

    for i, msg in enumerate(fd.message_type):
        yield from message(msg, (FILE_MESSAGE, i))
    for i, en in enumerate(fd.enum_type):
        yield from enum(en, (FILE_ENUM, i))
    for i, svc in enumerate(fd.service):
        yield (FILE_SERVICE, i), "service", svc.name, svc
        for j, method in enumerate(svc.method):
            yield (FILE_SERVICE, i, SERVICE_METHOD, j), "rpc", f"{svc.name}.{method.name}", method


def test_package_is_versioned_and_matches_directory(files) -> None:
    for fd in files:
        assert fd.package == PACKAGE, fd.name
        assert fd.name.startswith(PACKAGE.replace(".", "/") + "/"), fd.name


def test_every_element_has_a_comment(files) -> None:
    missing = []
    for fd in files:
        comments = {
            tuple(loc.path): loc.leading_comments.strip() for loc in fd.source_code_info.location
        }
        missing += [
            f"{fd.name}: {kind} {name}"
            for path, kind, name, _ in _elements(fd)
            if not comments.get(path)
        ]
    assert not missing


def test_enums_have_prefixed_values_and_unspecified_zero(files) -> None:
    for fd in files:
        for _, kind, name, en in _elements(fd):
            if kind != "enum":
                continue
            prefix = _upper_snake(en.name)
            assert en.value[0].number == 0 and en.value[0].name == f"{prefix}_UNSPECIFIED", name
            for value in en.value:
                assert value.name.startswith(prefix + "_"), value.name
                assert _UPPER_SNAKE.match(value.name), value.name


def test_names_follow_case_conventions(files) -> None:
    for fd in files:
        for _, kind, name, element in _elements(fd):
            if kind in ("message", "enum", "service"):
                assert _PASCAL.match(element.name), name
            elif kind in ("field", "oneof"):
                assert _LOWER_SNAKE.match(element.name), name
            elif kind == "rpc":
                assert _PASCAL.match(element.name), name
        for svc in fd.service:
            assert svc.name.endswith("Service"), svc.name


def test_each_rpc_has_its_own_standard_request_and_response(files) -> None:
    seen: dict[str, str] = {}
    for fd in files:
        for svc in fd.service:
            for method in svc.method:
                rpc = f"{svc.name}.{method.name}"
                for type_name, suffix in ((method.input_type, "Request"), (method.output_type, "Response")):
                    short = type_name.rsplit(".", 1)[-1]
                    assert short in (f"{method.name}{suffix}", f"{svc.name}{method.name}{suffix}"), rpc
                    assert type_name not in seen, f"{rpc} shares {short} with {seen.get(type_name)}"
                    seen[type_name] = rpc


@pytest.mark.skipif(shutil.which("buf") is None, reason="buf not on PATH (npm install -g @bufbuild/buf)")
def test_buf_lint_is_clean() -> None:
    result = subprocess.run(["buf", "lint"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
