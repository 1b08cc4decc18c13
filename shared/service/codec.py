"""The wire codec: the core's records and errors <-> JSON, one generic, total conversion.

    encode(sale)                 -> {"id": "...", "lines": [...], "entry_method": "keyed", ...}
    decode(Sale, that_json)      -> Sale(...) equal to the first one
    encode_error(exc)            -> {"error": {"code", "message", "type", "details"?}}
    decode_error(that_json)      -> the same QrpayError subclass with the same code, message, details

Rules (both the server and the client, shared.service's RemoteCore, use only these):
- a dataclass is an object of its fields (properties are not sent; they are recomputed on the far side);
- an Enum is its value; a tuple or list is an array; a dict is an object (keys as strings);
- int, float, str, bool, None as themselves; a float that is not finite is refused (JSON has none);
- decoding is strict: a field the record lacks, a missing required field, a wrong type (a bool for an int,
  a float for an int, a str for a number) or an unknown enum value raises `WireError` (an InputError,
  code `bad_wire`) naming the path, so a client never builds a record the core could not have made.

Nothing here imports the core's services or storage: it only knows dataclasses, enums and typing.
"""
from __future__ import annotations

import dataclasses
import enum
import math
import types
import typing
from typing import Any

import shared.external_id.relying_party  # noqa: F401  (ExternalIdRefused joins the error registry)
from shared.errors import InputError, QrpayError, error_classes

JsonValue = Any
_NONE = type(None)


class WireError(InputError):
    """A JSON value that does not fit the record it should decode to."""

    code = "bad_wire"


# -- encode -------------------------------------------------------------------------------------
def encode(value: Any) -> JsonValue:
    """Any record the core returns (dataclass, enum, tuple, list, dict, scalar) -> JSON-able data."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise WireError("A number on the wire must be finite.")
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k.value if isinstance(k, enum.Enum) else k): encode(v) for k, v in value.items()}
    if isinstance(value, QrpayError):
        return encode_error(value)
    raise TypeError(f"{type(value).__name__} has no wire form")


# -- decode -------------------------------------------------------------------------------------
def decode(tp: Any, data: JsonValue, *, path: str = "$") -> Any:
    """JSON data -> a value of type `tp` (a dataclass, enum, tuple[...], list[...], dict[...], Optional, scalar)."""
    if tp is Any or tp is object:
        return data
    if tp is None or tp is _NONE:
        if data is not None:
            raise WireError(f"{path}: expected null.", path=path)
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        if data is None:
            if _NONE in args:
                return None
            raise WireError(f"{path}: must not be null.", path=path)
        last: WireError | None = None
        for arm in args:            # in declared order: `AuditEvent | str` tries the enum first
            if arm is _NONE:
                continue
            try:
                return decode(arm, data, path=path)
            except WireError as e:
                last = e
        assert last is not None
        raise last
    if origin is typing.Literal:
        if data not in args or isinstance(data, bool) != any(isinstance(a, bool) for a in args if a == data):
            raise WireError(f"{path}: must be one of {list(args)}.", path=path)
        return data
    if origin is tuple:
        if not isinstance(data, list):
            raise WireError(f"{path}: expected an array.", path=path)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v, path=f"{path}[{i}]") for i, v in enumerate(data))
        if not args:
            return tuple(data)
        if len(data) != len(args):
            raise WireError(f"{path}: expected {len(args)} items.", path=path)
        return tuple(decode(a, v, path=f"{path}[{i}]") for i, (a, v) in enumerate(zip(args, data)))
    if origin is list or tp is list:
        if not isinstance(data, list):
            raise WireError(f"{path}: expected an array.", path=path)
        item = args[0] if args else Any
        return [decode(item, v, path=f"{path}[{i}]") for i, v in enumerate(data)]
    if tp is tuple:
        if not isinstance(data, list):
            raise WireError(f"{path}: expected an array.", path=path)
        return tuple(data)
    if origin is dict or tp is dict:
        if not isinstance(data, dict):
            raise WireError(f"{path}: expected an object.", path=path)
        kt, vt = args if args else (str, Any)
        return {_decode_key(kt, k, path): decode(vt, v, path=f"{path}.{k}") for k, v in data.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except (ValueError, TypeError):
            raise WireError(f"{path}: {data!r} is not a {tp.__name__}.", path=path) from None
    if tp is bool:
        if not isinstance(data, bool):
            raise WireError(f"{path}: expected true or false.", path=path)
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise WireError(f"{path}: expected an integer.", path=path)
        return data
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)) or not math.isfinite(data):
            raise WireError(f"{path}: expected a number.", path=path)
        return float(data)
    if tp is str:
        if not isinstance(data, str):
            raise WireError(f"{path}: expected a string.", path=path)
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _decode_record(tp, data, path)
    raise TypeError(f"decode does not know {tp!r}")


def _decode_key(kt: Any, key: str, path: str) -> Any:
    if kt is int:
        try:
            return int(key)
        except ValueError:
            raise WireError(f"{path}: key {key!r} is not an integer.", path=path) from None
    return decode(kt, key, path=path)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(tp: type) -> dict[str, Any]:
    if tp not in _HINTS:
        _HINTS[tp] = typing.get_type_hints(tp)
    return _HINTS[tp]


def _decode_record(tp: type, data: JsonValue, path: str) -> Any:
    if not isinstance(data, dict):
        raise WireError(f"{path}: expected an object ({tp.__name__}).", path=path)
    hints = _hints(tp)
    fields = {f.name: f for f in dataclasses.fields(tp) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise WireError(f"{path}: {tp.__name__} has no field {unknown[0]!r}.", path=path, field=unknown[0])
    kwargs = {}
    for name, f in fields.items():
        if name in data:
            kwargs[name] = decode(hints[name], data[name], path=f"{path}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:  # type: ignore[misc]
            raise WireError(f"{path}: {tp.__name__} needs {name!r}.", path=path, field=name)
    try:
        return tp(**kwargs)
    except (TypeError, ValueError) as e:
        raise WireError(f"{path}: not a valid {tp.__name__}.", path=path) from e


# -- errors -------------------------------------------------------------------------------------
def _error_classes() -> dict[str, type[QrpayError]]:
    """Every QrpayError subclass loaded in this process, by class name (the core's own first)."""
    out: dict[str, type[QrpayError]] = {}
    for cls in error_classes():
        out.setdefault(cls.__name__, cls)
    return out


def encode_error(exc: QrpayError) -> dict[str, Any]:
    """{"error": {"code", "message", "type", "details"?}}: `type` is the class name, so the far side raises the
    same subclass (CodeRefused with code "expired", not just a code)."""
    body: dict[str, Any] = {"code": exc.code, "message": exc.message, "type": type(exc).__name__}
    details = {k: v for k, v in exc.details.items() if v is not None}
    if details:
        body["details"] = {k: _encode_detail(v) for k, v in details.items()}
    return {"error": body}


def _encode_detail(v: Any) -> JsonValue:
    try:
        return encode(v)
    except (TypeError, WireError):
        return str(v)


def decode_error(data: JsonValue) -> QrpayError:
    """The envelope encode_error made -> the QrpayError to raise. Unknown types fall back to the class whose
    code matches, then to QrpayError itself (still with the stable code)."""
    if not isinstance(data, dict) or not isinstance(data.get("error"), dict):
        raise WireError("Not an error envelope.")
    e = data["error"]
    code, message = e.get("code"), e.get("message")
    if not isinstance(code, str) or not isinstance(message, str):
        raise WireError("An error needs a code and a message.")
    details = e.get("details") or {}
    if not isinstance(details, dict):
        raise WireError("An error's details are an object.")
    classes = _error_classes()
    cls = classes.get(e.get("type") or "")
    if cls is None:
        cls = next((c for c in classes.values() if c.code == code), QrpayError)
    exc = cls.__new__(cls)
    QrpayError.__init__(exc, message, code=code, **{str(k): v for k, v in details.items()})
    return exc


__all__ = ["WireError", "encode", "decode", "encode_error", "decode_error"]
