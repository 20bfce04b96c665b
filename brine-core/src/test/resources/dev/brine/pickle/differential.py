# The Python side of dev.brine.pickle.PickleDifferentialTest: CPython as the oracle.
#
# stdin: u32 count, then per graph: u32 length + the graph as tagged JSON (see
# tools/golden/make_pickle_golden.py), then 6 x (u32 length + Brine's pickle at protocol 0..5).
# stdout, per graph: u32 length + a report (UTF-8; empty when all is well), then
# 6 x (u32 length + CPython's pickle at protocol 0..5 of the object it loaded from Brine's
# protocol 5 pickle).
#
# The report says where a Brine pickle did not load in CPython to the graph the JSON describes:
# exact types, values (floats bit for bit), order, and aliasing (one object per "id", distinct
# objects distinct; str and bytes of length 0 or 1 excepted, CPython caches those).
import collections
import datetime
import decimal
import io
import json
import pickle
import struct
import sys


class Thing:
    """The one unknown class of the random graphs (Brine: GenericObject of __main__.Thing)."""


class Mismatch(Exception):
    pass


def fbits(v):
    return struct.pack(">d", v).hex()


class Builder:
    def __init__(self):
        self.ids = {}

    def build(self, n):
        t = n["t"]
        if t == "ref":
            return self.ids[n["id"]]
        if t == "none":
            return None
        if t == "bool":
            return n["v"]
        if t == "int":
            return int(n["v"])
        if t == "float":
            return struct.unpack(">d", bytes.fromhex(n["v"]))[0]
        if t in ("list", "dict", "odict", "set", "object"):
            return self.container(n)
        if t == "tuple":
            v = tuple(self.build(x) for x in n["items"])
        elif t == "frozenset":
            v = frozenset(self.build(x) for x in n["items"])
        elif t == "str":
            v = n["v"]
        elif t == "bytes":
            v = bytes.fromhex(n["hex"])
        elif t == "bytearray":
            v = bytearray.fromhex(n["hex"])
        elif t == "complex":
            v = complex(struct.unpack(">d", bytes.fromhex(n["re"]))[0], struct.unpack(">d", bytes.fromhex(n["im"]))[0])
        elif t == "decimal":
            v = decimal.Decimal(n["v"])
        elif t == "date":
            v = datetime.date.fromisoformat(n["v"])
        elif t == "time":
            v = datetime.time.fromisoformat(n["v"]).replace(tzinfo=self.tz(n))
        elif t == "datetime":
            v = datetime.datetime.fromisoformat(n["v"]).replace(tzinfo=self.tz(n))
        elif t == "timedelta":
            v = datetime.timedelta(days=n["days"], seconds=n["seconds"], microseconds=n["us"])
        elif t == "timezone":
            v = datetime.timezone(datetime.timedelta(seconds=n["offset"]))
        else:
            raise ValueError("unknown tag %r" % t)
        if "id" in n:
            self.ids[n["id"]] = v
        return v

    def tz(self, n):
        return None if n["tz"] is None else self.build(n["tz"])

    def container(self, n):
        t = n["t"]
        if t == "list":
            v = []
        elif t == "dict":
            v = {}
        elif t == "odict":
            v = collections.OrderedDict()
        elif t == "set":
            v = set()
        else:
            if n["callable"] != {"t": "global", "module": "__main__", "name": "Thing"} or n["creation"] != "NEWOBJ":
                raise ValueError("only __main__.Thing objects are supported")
            v = Thing.__new__(Thing, *self.build(n["args"]))
        self.ids[n["id"]] = v
        if t == "list":
            v.extend(self.build(x) for x in n["items"])
        elif t == "set":
            v.update(self.build(x) for x in n["items"])
        elif t == "object":
            state = self.build(n["state"])
            v.__dict__.update(state)
        else:
            for k, x in n["items"]:
                key = self.build(k)  # before the value: the value may refer to the key
                v[key] = self.build(x)
        return v


TRACKED = (list, dict, collections.OrderedDict, set, frozenset, bytearray, decimal.Decimal, complex, Thing,
           datetime.date, datetime.time, datetime.datetime, datetime.timedelta, datetime.timezone)


def tracked(v):
    if type(v) in (str, bytes):
        return len(v) > 1
    if type(v) is tuple:
        return len(v) > 0
    return type(v) in TRACKED


class Checker:
    def __init__(self):
        self.fwd = {}
        self.back = {}

    def check(self, a, b, path):
        """a: loaded from Brine's pickle; b: built from the JSON."""
        ta, tb = type(a), type(b)
        if ta is not tb:
            raise Mismatch("%s: expected %s, found %s" % (path, tb.__name__, ta.__name__))
        if ta in (type(None), bool, int):
            if a != b:
                raise Mismatch("%s: expected %r, found %r" % (path, b, a))
            return
        if ta is float:
            if fbits(a) != fbits(b):
                raise Mismatch("%s: expected %r, found %r" % (path, b, a))
            return
        if tracked(b):
            if id(b) in self.fwd:
                if self.fwd[id(b)] is not a:
                    raise Mismatch("%s: expected the object met before (a shared reference), found another" % path)
                return
            if id(a) in self.back:
                raise Mismatch("%s: expected a distinct object, found one met elsewhere" % path)
            self.fwd[id(b)] = a
            self.back[id(a)] = b
        if ta is complex:
            ok = fbits(a.real) == fbits(b.real) and fbits(a.imag) == fbits(b.imag)
        elif ta in (str, bytes, bytearray, set, frozenset, datetime.date, datetime.timedelta, datetime.timezone):
            ok = a == b
        elif ta is decimal.Decimal:
            ok = str(a) == str(b)
        elif ta in (datetime.time, datetime.datetime):
            ok = (a.replace(tzinfo=None) == b.replace(tzinfo=None) and a.utcoffset() == b.utcoffset()
                  and a.fold == b.fold)
        elif ta in (list, tuple):
            if len(a) != len(b):
                raise Mismatch("%s: expected %d items, found %d" % (path, len(b), len(a)))
            for i, (x, y) in enumerate(zip(a, b)):
                self.check(x, y, "%s[%d]" % (path, i))
            return
        elif ta in (dict, collections.OrderedDict, Thing):
            da, db = (a, b) if ta is not Thing else (vars(a), vars(b))
            if len(da) != len(db):
                raise Mismatch("%s: expected %d entries, found %d" % (path, len(db), len(da)))
            for i, ((ka, va), (kb, vb)) in enumerate(zip(da.items(), db.items())):
                self.check(ka, kb, "%s.key#%d" % (path, i))
                self.check(va, vb, "%s[%r]" % (path, kb))
            return
        else:
            raise Mismatch("%s: no comparison for %s" % (path, ta.__name__))
        if not ok:
            raise Mismatch("%s: expected %r, found %r" % (path, b, a))


def main():
    data = sys.stdin.buffer.read()
    pos = 0

    def take():
        nonlocal pos
        (n,) = struct.unpack_from(">I", data, pos)
        pos += 4
        chunk = data[pos:pos + n]
        pos += n
        return chunk

    (count,) = struct.unpack_from(">I", data, 0)
    pos = 4
    out = io.BytesIO()
    for _ in range(count):
        description = json.loads(take().decode("utf-8"))
        brine = [take() for _ in range(6)]
        report = []
        loaded5 = None
        cpython = [b""] * 6
        try:
            for p in range(6):
                built = Builder().build(description)
                try:
                    loaded = pickle.loads(brine[p])
                except Exception as e:
                    report.append("protocol %d: CPython cannot load Brine's pickle: %s: %s" % (p, type(e).__name__, e))
                    continue
                try:
                    Checker().check(loaded, built, "protocol %d: $" % p)
                except Mismatch as e:
                    report.append(str(e))
                if p == 5:
                    loaded5 = [loaded]
            if loaded5 is not None:
                cpython = [pickle.dumps(loaded5[0], protocol=p) for p in range(6)]
        except Exception as e:  # the JSON itself, or dumps
            report.append("%s: %s" % (type(e).__name__, e))
        message = "\n".join(report).encode("utf-8", "backslashreplace")
        out.write(struct.pack(">I", len(message)))
        out.write(message)
        for c in cpython:
            out.write(struct.pack(">I", len(c)))
            out.write(c)
    sys.stdout.buffer.write(out.getvalue())


main()
