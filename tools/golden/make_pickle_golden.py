#!/usr/bin/env python3
"""Writes the golden pickle files of Brine's conformance suite (stdlib only).

    python3 tools/golden/make_pickle_golden.py [output-folder]

The default output folder is brine-core/src/test/resources/golden/pickle. For every case and
protocol it writes two files:

    <case>.p<protocol>.pkl    the bytes CPython's pickle module wrote (or hand-written opcodes)
    <case>.p<protocol>.json   a sidecar: what the file must load as, and how to load it

The sidecar's "value" (or "values" for a file holding several pickles) is a tagged JSON graph,
read by dev.brine.pickle.ExpectedGraph in the Java tests:

    {"t": "none"} {"t": "bool", "v": true} {"t": "int", "v": "-12"} {"t": "float", "v": "<IEEE bits, hex>"}
    a bare JSON integer n (|n| < 2**53)   the Python int n
    {"t": "complex", "re": "<hex>", "im": "<hex>"} {"t": "str", "v": "..."} {"t": "bytes", "hex": "..."}
    {"t": "bytearray", "hex": "..."}   long str/bytes may be {"pattern": ..., "len": n} instead of v/hex
    {"t": "list"|"tuple"|"set"|"frozenset", "items": [...]} {"t": "dict"|"odict", "items": [[k, v], ...]}
    {"t": "decimal", "v": "1.5"} {"t": "date", "v": "2020-01-02"} {"t": "time", "v": "13:14:15.000001", "tz": value|null}
    {"t": "datetime", "v": "2020-01-02T03:04:05.000006", "tz": value|null} {"t": "timezone", "offset": seconds}
    {"t": "timedelta", "days": d, "seconds": s, "us": us} {"t": "global", "module": m, "name": n}
    {"t": "object", "creation": "REDUCE"|"NEWOBJ"|"NEWOBJ_EX", "callable": value, "args": tuple-value,
     "kwargs": [[k, v], ...], "state": value (absent: no BUILD), "list": [...], "dict": [[k, v], ...]}
    {"t": "buffer", "hex": "...", "readonly": bool}   an out-of-band buffer of protocol 5
    {"t": "ref", "id": n}   the object tagged "id": n earlier (shared references and cycles)

Objects whose identity is meaningful carry an "id"; a later occurrence of the same object is a
"ref". Identity is not recorded where CPython's own caches decide it (str and bytes of length 0 or
1, the empty tuple), because Brine does not share those.

The expected value is computed by loading the written bytes with CPython's own (pure Python)
unpickler, with find_class answering exactly the globals Brine's ClassRegistry.builtins() trusts
and recording every other global as Brine's GenericObject would (ModelUnpickler below). For the
cases without unknown classes the generator checks that this equals what the C unpickler returns.

It also checks that the opcodes used by all the files together are all 68 opcodes of pickletools.
The script re-executes itself with PYTHONHASHSEED=0 so that sets of strings, and so the files, are
the same on every run.
"""
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import _compat_pickle
import codecs
import collections
import copyreg
import datetime
import decimal
import io
import json
import pickle
import pickletools
import shutil
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "brine-core" / "src" / "test" / "resources" / "golden" / "pickle"
PROTOCOLS = range(0, 6)


# ---- classes Brine does not know: they must load as GenericObject ------------------------------

class Plain:
    """A plain class: its instances pickle as cls.__new__(cls) + BUILD(__dict__)."""

    def __init__(self, x, y):
        self.x = x
        self.y = y


class WithReduce:
    """__reduce__ returning (cls, args): REDUCE with arguments."""

    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __reduce__(self):
        return (WithReduce, (self.a, self.b))


class ListSub(list):
    """A list subclass: items follow with APPEND(S)."""


class DictSub(dict):
    """A dict subclass: items follow with SETITEM(S)."""


class NewObjEx:
    """__getnewargs_ex__: NEWOBJ_EX at protocol 4+ (functools.partial at 2 and 3)."""

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, n, *, key):
        self.n = n
        self.key = key

    def __getnewargs_ex__(self):
        return (self.n,), {"key": self.key}


class Ünicöde:
    """A class whose name is not ASCII: GLOBAL carries UTF-8 from protocol 3."""

    def __init__(self):
        self.café = "crème"


class PersistentRef:
    """Stands for an object kept outside the pickle: persistent_id returns its key."""

    def __init__(self, key):
        self.key = key


def persistent_id(obj):
    return obj.key if isinstance(obj, PersistentRef) else None


# ---- the cases -------------------------------------------------------------------------------

class Case:
    def __init__(self, name, make=None, protocols=PROTOCOLS, generic=False, persistent=False,
                 buffers=False, extensions=(), multi=False, one_pickler=False, handwritten=None):
        self.name = name
        self.make = make  # () -> value, or () -> list of values when multi
        self.protocols = protocols
        self.generic = generic
        self.persistent = persistent
        self.buffers = buffers
        self.extensions = extensions  # ((code, module, name), ...)
        self.multi = multi
        self.one_pickler = one_pickler  # several dump calls of one Pickler: its memo goes on
        self.handwritten = handwritten  # {protocol: bytes}


def pattern_text(n, unit="abcdefghij0123456789"):
    return (unit * (n // len(unit) + 1))[:n]


def pattern_bytes(n):
    return bytes(i % 251 for i in range(n))


def cases():
    out = []

    def add(name, make, **kw):
        out.append(Case(name, make, **kw))

    # ints at every width boundary
    ints = {
        "0": 0, "1": 1, "minus_1": -1, "255": 255, "256": 256, "65535": 65535, "65536": 65536,
        "2p31_minus_1": 2**31 - 1, "minus_2p31": -2**31, "2p31": 2**31, "minus_2p31_minus_1": -2**31 - 1,
        "2p63_minus_1": 2**63 - 1, "minus_2p63": -2**63, "2p63": 2**63, "minus_2p63_minus_1": -2**63 - 1,
        "2p64": 2**64, "minus_2p64": -2**64,
    }
    for label, v in ints.items():
        add("int_" + label, lambda v=v: v)
    add("int_huge_300_digits", lambda: int("7" * 300))
    add("int_huge_300_digits_negative", lambda: -int("31" * 150))
    add("int_huge_700_digits", lambda: int("9" * 700))  # LONG4: more than 255 bytes
    add("ints_all_widths", lambda: list(ints.values()) + [2**64 - 1, 2**127, -(2**127) - 1, 2**2048])

    # floats
    floats = {
        "0": 0.0, "minus_0": -0.0, "nan": float("nan"), "inf": float("inf"), "minus_inf": float("-inf"),
        "1e16": 1e16, "1e-5": 1e-5, "2e23": 2e23, "0.1": 0.1,
    }
    for label, v in floats.items():
        add("float_" + label, lambda v=v: v)
    add("floats_many", lambda: [1.5, -2.25, 1e22, 1e-4, 1e-300, 5e-324, 1.7976931348623157e308, 123456789.123,
                                9007199254740993.0, 0.30000000000000004, 1e15, 1e17, 3.141592653589793])

    # str
    add("str_empty", lambda: "")
    add("str_ascii", lambda: "hello, world")
    add("str_non_ascii", lambda: "h\u00e9llo w\u00f6rld \u00f1 \u20ac \u4e2d\u6587 \u00ff")
    add("str_astral", lambda: "\U0001F600 smile \U0001D11E clef \U0010FFFF")
    add("str_lone_surrogates", lambda: "a\ud800b\udfffc\udc00\ud800")
    add("str_escapes", lambda: "back\\slash \\u0041 new\nline ret\rurn nul\x00 sub\x1a tab\t quote' dq\"")
    add("str_255_bytes", lambda: "x" * 255)
    add("str_256_bytes", lambda: "x" * 256)
    add("str_long_ascii", lambda: pattern_text(66000))
    add("str_long_non_ascii", lambda: pattern_text(27000, "\u00e9\u20ac"))  # 67.5 KB of UTF-8
    add("str_just_below_frame", lambda: pattern_text(65535), protocols=[4, 5])
    add("str_frame_size", lambda: pattern_text(65536), protocols=[4, 5])

    # bytes and bytearray
    add("bytes_empty", lambda: b"")
    add("bytes_short", lambda: b"\x00\x01\x7f\x80\xfe\xff")
    add("bytes_255", lambda: pattern_bytes(255))
    add("bytes_256", lambda: pattern_bytes(256))
    add("bytes_long", lambda: pattern_bytes(66000))
    add("bytearray_empty", lambda: bytearray())
    add("bytearray_short", lambda: bytearray(b"\x00abc\xff"))
    add("bytearray_long", lambda: bytearray(pattern_bytes(66000)))

    # tuples, lists, dicts
    for n in range(6):
        add("tuple_%d" % n, lambda n=n: tuple(range(100, 100 + n)))
    for n in (0, 1, 2, 999, 1000, 1001, 2000, 2001):
        add("list_%d" % n, lambda n=n: list(range(n)))
    for n in (0, 1, 2, 999, 1000, 1001, 2000, 2001):
        add("dict_%d" % n, lambda n=n: {i: -i for i in range(n)})
    add("dict_str_keys", lambda: {"alpha": 1, "beta": [2, 3], "gamma": {"delta": None}, "": True})
    add("odict_empty", lambda: collections.OrderedDict())
    add("odict_small", lambda: collections.OrderedDict([("z", 1), ("a", 2), ("m", (3, 4))]))
    add("odict_1001", lambda: collections.OrderedDict((i, -i) for i in range(1001)))

    # sets and frozensets
    for n in (0, 3, 999, 1000, 1001, 2000):
        add("set_%d" % n, lambda n=n: set(range(n)))
        add("frozenset_%d" % n, lambda n=n: frozenset(range(n)))
    add("set_strings", lambda: {"apple", "banana", "cherry", "date", "elderberry"})
    add("frozensets_distinct_empty", lambda: [frozenset(), frozenset(), set(), set()])

    # other numbers
    add("complex_values", lambda: [1 + 2j, complex(-0.0, float("inf")), complex(float("nan"), -1.5), 0j])
    add("decimals", lambda: [decimal.Decimal("1.5"), decimal.Decimal("-0.000001"), decimal.Decimal("1E+3"),
                             decimal.Decimal("123456789012345678901234567890.123"), decimal.Decimal("0E-7"),
                             decimal.Decimal("-42")])

    # date and time
    utc = datetime.timezone.utc
    plus_0530 = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    minus_0800 = datetime.timezone(datetime.timedelta(hours=-8))
    add("date_values", lambda: [datetime.date(2020, 1, 2), datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
    add("time_naive", lambda: datetime.time(13, 14, 15, 123456))
    add("time_aware_utc", lambda: datetime.time(1, 2, 3, tzinfo=utc))
    add("time_aware_offset", lambda: datetime.time(23, 59, 59, 999999, tzinfo=plus_0530))
    add("datetime_naive", lambda: datetime.datetime(2020, 2, 29, 23, 59, 58, 999999))
    add("datetime_aware_utc", lambda: datetime.datetime(2021, 6, 30, 12, 0, 1, tzinfo=utc))
    add("datetime_aware_offset", lambda: [datetime.datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=minus_0800),
                                          datetime.datetime(2000, 1, 1, 7, 59, 59, 2, tzinfo=minus_0800)])
    add("timedelta_values", lambda: [datetime.timedelta(days=-1, seconds=5, microseconds=7),
                                     datetime.timedelta(days=999999999, seconds=86399, microseconds=999999),
                                     datetime.timedelta(microseconds=1)])
    add("timezone_values", lambda: [utc, plus_0530, datetime.timezone(datetime.timedelta(hours=-23, minutes=-59))])
    add("datetime_utc_and_zero_timedelta",
        lambda: [datetime.timedelta(0), datetime.datetime(2022, 3, 4, 5, 6, 7, tzinfo=utc)])

    # nesting, sharing, cycles
    add("nested", lambda: {"a": [1, (2, 3), {"b": {4, 5}}], "c": ((), [[]], {}), "d": [[[["deep"]]]],
                           "e": (frozenset({7}), b"xy", bytearray(b"z"), None, True, False, 2.5)})

    def shared_list():
        inner = [1, 2]
        return [inner, inner, (inner,)]

    def shared_all():
        s = "a shared string"
        b = b"shared bytes"
        t = (1, "tuple")
        d = {"k": "v"}
        st = {1, 2}
        fs = frozenset({3})
        ba = bytearray(b"ba")
        dec = decimal.Decimal("2.5")
        c = 3 + 4j
        return [s, b, t, d, st, fs, ba, dec, c, s, b, t, d, st, fs, ba, dec, c, {"again": (s, d)}]

    def distinct_equal():
        return ["equal text", "equal" + " text", [1], [1], (5, 6), (5, 6)]

    def list_cycle():
        l = [1]
        l.append(l)
        return l

    def dict_cycle():
        d = {"name": "d"}
        d["self"] = d
        return d

    def mixed_cycle():
        d = {}
        l = [d]
        d["list"] = l
        d["again"] = l
        return l

    def tuple_cycle():
        l = []
        t = (l, 1)
        l.append(t)
        return t

    def long_tuple_cycle():
        l = []
        t = (l, 1, 2, 3, 4)
        l.append(t)
        return t

    add("shared_list", shared_list)
    add("shared_all_types", shared_all)
    add("distinct_equal_objects", distinct_equal)
    add("cycle_list", list_cycle)
    add("cycle_dict", dict_cycle)
    add("cycle_list_dict", mixed_cycle)
    add("cycle_through_tuple", tuple_cycle)
    add("cycle_through_long_tuple", long_tuple_cycle)
    # framing: frames close at the first object boundary past 64 KiB; big payloads go outside frames
    add("frames_many_small_objects", lambda: ["s%05d" % i for i in range(20000)], protocols=[4, 5])
    add("frames_mixed_payloads", lambda: ["a", b"x" * 65000, "b", "y" * 65535, [b"z" * 30000, b"w" * 40000],
                                          bytearray(b"v" * 65536), ("t" * 64000, "u" * 2000), 1.5],
        protocols=[4, 5])
    add("datetime_fold", lambda: datetime.datetime(2021, 11, 7, 1, 30, fold=1), protocols=[3, 4, 5])
    add("memo_300_entries", lambda: (lambda strs: strs + strs + [tuple(strs)])(["s%03d" % i for i in range(300)]))

    # classes Brine does not know
    add("generic_plain", lambda: Plain(1, "two"), generic=True)
    add("generic_reduce", lambda: WithReduce(7, ["x"]), generic=True)
    add("generic_list_subclass", lambda: ListSub([1, 2, 3]), generic=True)
    add("generic_list_subclass_with_attrs", lambda: (lambda o: (setattr(o, "tag", "t"), o)[1])(ListSub(range(5))),
        generic=True)
    add("generic_dict_subclass", lambda: DictSub(a=1, b=[2]), generic=True)
    add("generic_newobj_ex", lambda: NewObjEx(5, key="k"), generic=True)

    def generic_shared():
        p = Plain([1], None)
        return [p, p, Plain(p, 2)]

    add("generic_shared", generic_shared, generic=True)

    def generic_self_reference():
        p = Plain(None, [])
        p.x = p
        p.y.append(p)
        return p

    add("generic_self_reference", generic_self_reference, generic=True)
    add("generic_non_ascii_class", lambda: Ünicöde(), protocols=[3, 4, 5], generic=True)

    # persistent ids, extensions, out-of-band buffers
    add("persistent_ids", lambda: (lambda r: [r, PersistentRef("blob-2"), r, "plain"])(PersistentRef("blob-1")),
        persistent=True)
    add("persistent_ids_tuples", lambda: (lambda r: [r, r, PersistentRef(("storage", "other", 2))])(
        PersistentRef(("storage", "key", 7))), persistent=True)
    add("extension_codes", lambda: [collections.OrderedDict([("k", 1)]), decimal.Decimal("1"), datetime.date(2000, 1, 1),
                                    collections.OrderedDict()], protocols=range(2, 6),
        extensions=((1, "collections", "OrderedDict"), (300, "decimal", "Decimal"), (70000, "datetime", "date")))
    add("buffers_out_of_band", lambda: [pickle.PickleBuffer(bytearray(b"writable")), pickle.PickleBuffer(b"readonly"), 7],
        protocols=[5], buffers=True)
    add("buffers_in_band", lambda: [pickle.PickleBuffer(bytearray(b"writable")), pickle.PickleBuffer(b"readonly")],
        protocols=[5])

    # several pickles in one file
    add("several_pickles", lambda: [1, "two", [3, "three"], {"four": 4.0}, None], multi=True)

    def one_pickler():
        shared = ["shared", b"bytes", (1, 2)]
        return [shared, [shared, "new"], {"again": shared[2]}, shared]

    add("one_pickler_several_dumps", one_pickler, multi=True, one_pickler=True)

    # hand-written opcodes CPython 3 never writes
    hw = {
        "op_string": {0: b"(S'abc'\nS\"it's\"\nS'a\\nb\\x41\\'q\\\\'\nS''\nl."},
        "op_binstring": {1: b"(T\x03\x00\x00\x00abcU\x02xyU\x00l."},
        "op_binunicode8": {4: b"\x80\x04\x8d\x06\x00\x00\x00\x00\x00\x00\x00h\xc3\xa9llo\x94."},
        "op_binbytes8": {4: b"\x80\x04\x8e\x03\x00\x00\x00\x00\x00\x00\x00abc\x94."},
        "op_dup": {2: b"\x80\x02]2a."},
        "op_pop": {2: b"\x80\x02K\x01K\x020."},
        "op_pop_mark": {2: b"\x80\x02K\x07(K\x01K\x021."},
        "op_pop_empty_mark": {2: b"\x80\x02K\x07(0."},
        "op_inst_registered": {0: b"(S'1.5'\nidecimal\nDecimal\np0\n."},
        "op_obj_registered": {1: b"(cdecimal\nDecimal\nX\x03\x00\x00\x002.5o."},
        "op_inst_generic": {0: b"(i__main__\nPlain\np0\n(dp1\nVx\np2\nI1\nsb."},
        "op_obj_generic": {1: b"(c__main__\nPlain\nK\x01K\x02o}X\x01\x00\x00\x00xK\x03sb."},
        "op_text_memo": {0: b"(lp0\nI12\naI-7\nag0\nag0\nap99\n."},
        "op_int_forms": {0: b"(I00\nI01\nI0\nI+5\nI-17\nL12L\nL-3\nL0L\nL99999999999999999999L\nF1\nF-2.5e3\nFinf\nl."},
        "op_frame_small": {4: b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00K\x07."},
        "op_frames_two": {4: b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00]\x94\x95\x03\x00\x00\x00\x00\x00\x00\x00K\x01a."},
        "op_memoize_then_get": {4: b"\x80\x04\x8c\x02ab\x94h\x00\x86\x94."},
        "op_long_memo_index": {1: b"]r\xe8\x03\x00\x00j\xe8\x03\x00\x00a."},
        "op_proto_5_no_frame": {5: b"\x80\x05K\x01."},
    }
    for name, variants in hw.items():
        out.append(Case(name, handwritten=variants, protocols=sorted(variants),
                        generic=name.endswith("_generic")))
    return out


# ---- a CPython unpickler that records unknown globals the way Brine does ----------------------

class GlobalRef:
    """A global Brine has no Java code for: with genericObjects(true) it becomes dev.brine.py.Global."""

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __eq__(self, other):
        return isinstance(other, GlobalRef) and (self.module, self.name) == (other.module, other.name)

    def __hash__(self):
        return hash((self.module, self.name))


class Generic:
    """What dev.brine.py.GenericObject records: callable, creation, args, kwargs, state, items."""

    def __init__(self, callable_, creation, args, kwargs=None):
        self.callable = callable_
        self.creation = creation
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})
        self.has_state = False
        self.state = None
        self.list = []
        self.dict = {}

    def append(self, item):
        self.list.append(item)

    def extend(self, items):
        self.list.extend(items)

    def __setitem__(self, key, value):
        self.dict[key] = value


def m_reconstructor(cls, base, state):
    """copyreg._reconstructor as Brine reads it: a plain object of an unknown class is NEWOBJ."""
    if isinstance(cls, GlobalRef) and base is object and state is None:
        return Generic(cls, "NEWOBJ", ())
    if isinstance(cls, (GlobalRef, Generic)) or not (base is object and state is None):
        return Generic(GlobalRef("copyreg", "_reconstructor"), "REDUCE", (cls, base, state))
    raise pickle.UnpicklingError("copyreg._reconstructor of a known class is not modelled")


def m_newobj(cls, *args):
    if isinstance(cls, GlobalRef):
        return Generic(cls, "NEWOBJ", args)
    return cls.__new__(cls, *args)


def m_newobj_ex(cls, args, kwargs):
    if isinstance(cls, GlobalRef):
        return Generic(cls, "NEWOBJ_EX", args, kwargs)
    return cls.__new__(cls, *args, **kwargs)


# exactly the globals of ClassRegistry.builtins()
SAFE = {
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "bytearray"): bytearray,
    ("builtins", "bytes"): bytes,
    ("builtins", "complex"): complex,
    ("builtins", "object"): object,
    ("_codecs", "encode"): codecs.encode,
    ("copyreg", "_reconstructor"): m_reconstructor,
    ("copyreg", "__newobj__"): m_newobj,
    ("copyreg", "__newobj_ex__"): m_newobj_ex,
    ("decimal", "Decimal"): decimal.Decimal,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("datetime", "date"): datetime.date,
    ("datetime", "datetime"): datetime.datetime,
    ("datetime", "time"): datetime.time,
    ("datetime", "timedelta"): datetime.timedelta,
    ("datetime", "timezone"): datetime.timezone,
}
SAFE_NAMES = {id(v): k for k, v in SAFE.items()}


class ModelUnpickler(pickle._Unpickler):
    def __init__(self, data, buffers=None):
        super().__init__(io.BytesIO(data), buffers=buffers)

    def find_class(self, module, name):
        if self.proto < 3 and self.fix_imports:
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        return SAFE.get((module, name)) or GlobalRef(module, name)

    def persistent_load(self, pid):
        return ("persistent", pid)

    def load_reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if (isinstance(func, GlobalRef) and (func.module, func.name) == ("builtins", "getattr")
                and len(args) == 2 and isinstance(args[0], GlobalRef) and isinstance(args[1], str)):
            # getattr(Outer, 'Inner'), a nested name below protocol 4: Brine reads the name Outer.Inner
            self.stack[-1] = GlobalRef(args[0].module, args[0].name + "." + args[1])
        elif isinstance(func, (GlobalRef, Generic)):
            self.stack[-1] = Generic(func, "REDUCE", args)
        else:
            self.stack[-1] = func(*args)

    def load_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        self.append(Generic(cls, "NEWOBJ", args) if isinstance(cls, GlobalRef) else cls.__new__(cls, *args))

    def load_newobj_ex(self):
        kwargs = self.stack.pop()
        args = self.stack.pop()
        cls = self.stack.pop()
        self.append(Generic(cls, "NEWOBJ_EX", args, kwargs) if isinstance(cls, GlobalRef)
                    else cls.__new__(cls, *args, **kwargs))

    def _instantiate(self, klass, args):
        # pickle.py's _instantiate: a class given no arguments is made by cls.__new__(cls) (a named global is
        # taken for a class), anything else is called
        if isinstance(klass, GlobalRef) and not args:
            self.append(Generic(klass, "NEWOBJ", ()))
        elif isinstance(klass, (GlobalRef, Generic)):
            self.append(Generic(klass, "REDUCE", args))
        elif not args and isinstance(klass, type):
            self.append(klass.__new__(klass))
        else:
            self.append(klass(*args))

    def load_build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        if not isinstance(inst, Generic):
            raise pickle.UnpicklingError("BUILD on a %s is not modelled" % type(inst).__name__)
        inst.has_state = True
        inst.state = state

    dispatch = dict(pickle._Unpickler.dispatch)
    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.NEWOBJ[0]] = load_newobj
    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj_ex
    dispatch[pickle.BUILD[0]] = load_build


class RealUnpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        return ("persistent", pid)


# ---- the tagged JSON form ------------------------------------------------------------------------

def fhex(v):
    return struct.pack(">d", v).hex()


def periodic(seq, max_period=256):
    for p in range(1, min(max_period, len(seq)) + 1):
        unit = seq[:p]
        if (unit * (len(seq) // p + 1))[:len(seq)] == seq:
            return unit
    return None


class Encoder:
    def __init__(self):
        self.ids = {}
        self.alive = []

    def tracked(self, v):
        if isinstance(v, (str, bytes)):
            return len(v) > 1
        if isinstance(v, tuple):
            return len(v) > 0
        return isinstance(v, (list, dict, set, frozenset, bytearray, decimal.Decimal, complex, Generic,
                              datetime.date, datetime.time, datetime.timedelta, datetime.tzinfo))

    def enc(self, v):
        if v is None:
            return {"t": "none"}
        if v is True or v is False:
            return {"t": "bool", "v": v}
        if type(v) is int:
            return v if -2**53 < v < 2**53 else {"t": "int", "v": str(v)}
        if type(v) is float:
            return {"t": "float", "v": fhex(v)}
        if isinstance(v, GlobalRef):
            return {"t": "global", "module": v.module, "name": v.name}
        if id(v) in SAFE_NAMES:
            m, n = SAFE_NAMES[id(v)]
            return {"t": "global", "module": m, "name": n}
        if isinstance(v, (pickle.PickleBuffer, memoryview)):
            with memoryview(v) as m:
                return {"t": "buffer", "hex": m.tobytes().hex(), "readonly": m.readonly}
        track = self.tracked(v)
        if track and id(v) in self.ids:
            return {"t": "ref", "id": self.ids[id(v)]}
        node = {}
        if track:
            self.ids[id(v)] = len(self.ids)
            self.alive.append(v)
            node["id"] = self.ids[id(v)]
        node.update(self.body(v))
        return node

    def body(self, v):
        t = type(v)
        if t is complex:
            return {"t": "complex", "re": fhex(v.real), "im": fhex(v.imag)}
        if t is str:
            unit = periodic(v) if len(v) > 4096 and all(ord(c) < 0x10000 for c in v) else None
            return {"t": "str", "pattern": unit, "len": len(v)} if unit else {"t": "str", "v": v}
        if t in (bytes, bytearray):
            name = "bytes" if t is bytes else "bytearray"
            unit = periodic(bytes(v)) if len(v) > 4096 else None
            return {"t": name, "pattern": unit.hex(), "len": len(v)} if unit else {"t": name, "hex": bytes(v).hex()}
        if t is list:
            return {"t": "list", "items": [self.enc(x) for x in v]}
        if t is tuple:
            return {"t": "tuple", "items": [self.enc(x) for x in v]}
        if t is set:
            return {"t": "set", "items": [self.enc(x) for x in v]}
        if t is frozenset:
            return {"t": "frozenset", "items": [self.enc(x) for x in v]}
        if t is dict:
            return {"t": "dict", "items": [[self.enc(k), self.enc(x)] for k, x in v.items()]}
        if t is collections.OrderedDict:
            return {"t": "odict", "items": [[self.enc(k), self.enc(x)] for k, x in v.items()]}
        if t is decimal.Decimal:
            return {"t": "decimal", "v": str(v)}
        if t is datetime.date:
            return {"t": "date", "v": v.isoformat()}
        if t is datetime.time:
            return {"t": "time", "v": v.replace(tzinfo=None).isoformat("microseconds"), "tz": self.tz(v.tzinfo)}
        if t is datetime.datetime:
            return {"t": "datetime", "v": v.replace(tzinfo=None).isoformat(timespec="microseconds"),
                    "tz": self.tz(v.tzinfo)}
        if t is datetime.timedelta:
            return {"t": "timedelta", "days": v.days, "seconds": v.seconds, "us": v.microseconds}
        if t is datetime.timezone:
            off = v.utcoffset(None)
            return {"t": "timezone", "offset": off.days * 86400 + off.seconds}
        if t is Generic:
            node = {"t": "object", "creation": v.creation, "callable": self.enc(v.callable),
                    "args": self.enc(v.args), "kwargs": [[self.enc(k), self.enc(x)] for k, x in v.kwargs.items()]}
            if v.has_state:
                node["state"] = self.enc(v.state)
            node["list"] = [self.enc(x) for x in v.list]
            node["dict"] = [[self.enc(k), self.enc(x)] for k, x in v.dict.items()]
            return node
        raise TypeError("no JSON form for %r" % (t,))

    def tz(self, tzinfo):
        return None if tzinfo is None else self.enc(tzinfo)


def _read_utf8_pair(f):
    module = f.readline()
    name = f.readline()
    if not module.endswith(b"\n") or not name.endswith(b"\n"):
        raise ValueError("no newline found when trying to read stringnl_noescape_pair")
    return "%s %s" % (module[:-1].decode("utf-8"), name[:-1].decode("utf-8"))


# pickletools reads GLOBAL and INST names as ASCII, but CPython writes them in UTF-8 from protocol 3
pickletools.stringnl_noescape_pair.reader = _read_utf8_pair


def opcodes_of(data):
    names = set()
    f = io.BytesIO(data)
    while f.tell() < len(data):
        for op, _, _ in pickletools.genops(f):
            names.add(op.name)
    return names


def pickles_in(data):
    """Splits a file of several pickles at each STOP."""
    out = []
    f = io.BytesIO(data)
    while f.tell() < len(data):
        start = f.tell()
        for op, _, pos in pickletools.genops(f):
            pass
        out.append(data[start:f.tell()])
    return out


# ---- writing -------------------------------------------------------------------------------------

def write_case(case, proto, out_dir):
    buffers = []
    for code, module, name in case.extensions:
        copyreg.add_extension(module, name, code)
    try:
        if case.handwritten is not None:
            data = case.handwritten[proto]
        else:
            f = io.BytesIO()
            values = case.make() if case.multi else [case.make()]
            p = None
            for v in values:
                if p is None or not case.one_pickler:
                    p = pickle.Pickler(f, proto, buffer_callback=(lambda b: buffers.append(b)) if case.buffers else None)
                    if case.persistent:
                        p.persistent_id = persistent_id
                p.dump(v)
            data = f.getvalue()
        oob = [pickle.PickleBuffer(bytearray(memoryview(b).tobytes())) for b in buffers]
        # one unpickler for all the pickles of a file, as its memo goes on like the pickler's
        model = ModelUnpickler(data, buffers=iter(oob))
        loaded = [model.load() for _ in pickles_in(data)]
        enc = Encoder()
        expected = [enc.enc(v) for v in loaded]
        if not case.generic:
            enc2 = Encoder()
            oob2 = [pickle.PickleBuffer(bytearray(memoryview(b).tobytes())) for b in buffers]
            real_unpickler = RealUnpickler(io.BytesIO(data), buffers=iter(oob2))
            real = [enc2.enc(real_unpickler.load()) for _ in pickles_in(data)]
            if real != expected:
                raise AssertionError("%s p%d: the model unpickler disagrees with CPython's" % (case.name, proto))
    finally:
        for code, module, name in case.extensions:
            copyreg.remove_extension(module, name, code)

    sidecar = {
        "case": case.name,
        "protocol": proto,
        "handwritten": case.handwritten is not None,
        "genericObjects": case.generic,
        "persistent": case.persistent,
        "onePickler": case.one_pickler,
        "extensions": [list(e) for e in case.extensions],
        "buffers": [memoryview(b).tobytes().hex() for b in buffers],
        "opcodes": sorted(opcodes_of(data)),
    }
    if case.multi:
        sidecar["values"] = expected
    else:
        sidecar["value"] = expected[0]
    stem = "%s.p%d" % (case.name, proto)
    (out_dir / (stem + ".pkl")).write_bytes(data)
    (out_dir / (stem + ".json")).write_text(json.dumps(sidecar, sort_keys=True, separators=(",", ":")) + "\n", encoding="ascii")
    return sidecar["opcodes"]


def main():
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    seen = set()
    count = 0
    for case in cases():
        for proto in case.protocols:
            seen.update(write_case(case, proto, out_dir))
            count += 1
    every = {op.name for op in pickletools.opcodes}
    missing = every - seen
    if len(every) != 68 or missing:
        raise SystemExit("opcodes not covered by the golden files: %s" % sorted(missing))
    print("wrote %d golden pickles to %s; they use all %d opcodes" % (count, out_dir, len(every)))


if __name__ == "__main__":
    main()
