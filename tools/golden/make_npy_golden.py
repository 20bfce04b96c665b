#!/usr/bin/env python3
"""Writes the NPY/NPZ golden files Brine's tests compare against.

Run from the repository root:  python3 tools/golden/make_npy_golden.py
It writes brine-core/src/test/resources/golden/npy/: one .npy per case (made by np.save, or by
numpy.lib.format.write_array where a format version is forced), NPZ files made by np.savez and
np.savez_compressed, and beside each array a .values sidecar: the descr, shape and order, then
one line per element in C order, rendered exactly (floats as float.hex, text as UTF-8 hex) so
that Java can compare without any parsing of Python literals.
"""
import io
import os
import sys
import zipfile

import numpy as np
from numpy.lib import format as npformat

OUT = os.path.join("brine-core", "src", "test", "resources", "golden", "npy")


def fhex(x):
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return x.hex()


def render(dt, v):
    """One element of dtype dt, as the Java test renders it."""
    if dt.fields is not None:
        parts = []
        for name in dt.names:
            fdt = dt.fields[name][0]
            parts.append(render(fdt, v[name]))
        return "{" + ";".join(parts) + "}"
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        flat = np.asarray(v).reshape(-1)
        return "[" + ",".join(render(base, x) for x in flat) + "]"
    k = dt.kind
    if k == "b":
        return "True" if bool(v) else "False"
    if k in "iu":
        return str(int(v))
    if k == "f":
        return fhex(v)
    if k == "c":
        return fhex(np.real(v)) + "," + fhex(np.imag(v))
    if k == "S":
        return "b:" + bytes(v).hex()
    if k == "U":
        return "u:" + str(v).encode("utf-8", "surrogatepass").hex()
    if k == "V":
        return "v:" + bytes(np.asarray(v).tobytes()).hex()
    if k in "Mm":
        return str(int(np.asarray(v).view("i8")))
    raise ValueError(dt)


def sidecar(path, a):
    lines = [
        "descr " + repr(npformat.dtype_to_descr(a.dtype)),
        "shape " + ",".join(str(d) for d in a.shape),
        "fortran " + str(bool(a.flags.f_contiguous and not a.flags.c_contiguous)),
    ]
    flat = a.reshape(-1, order="C") if a.ndim else a.reshape(1)
    for x in flat:
        lines.append(render(a.dtype, x))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def save(name, a, version=None):
    path = os.path.join(OUT, name + ".npy")
    if version is None:
        np.save(path, a)
    else:
        with open(path, "wb") as f:
            npformat.write_array(f, a, version=version)
    sidecar(os.path.join(OUT, name + ".values"), a)


def cases():
    rng = np.random.default_rng(20240501)
    ints = np.array([0, 1, -1, 42, -100, 127, -128], dtype=np.int64)
    for bo in "<>":
        for t in ["i2", "i4", "i8", "u2", "u4", "u8"]:
            dt = np.dtype(bo + t)
            info = np.iinfo(dt)
            vals = np.array([0, 1, info.max, info.min, 7, info.max // 3], dtype=object)
            yield "%s_%s" % ({"<": "le", ">": "be"}[bo], t), np.array(vals.tolist(), dtype=dt).reshape(2, 3)
        for t in ["f2", "f4", "f8"]:
            dt = np.dtype(bo + t)
            vals = np.array([0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 0.1, 1e-3, 65504.0], dtype=np.float64)
            if t != "f2":
                vals = np.concatenate([vals, [np.finfo(dt).tiny, np.finfo(dt).max, np.pi, 1e30 if t == "f8" else 3e30]])
            yield "%s_%s" % ({"<": "le", ">": "be"}[bo], t), vals.astype(dt)
        for t in ["c8", "c16"]:
            dt = np.dtype(bo + t)
            yield "%s_%s" % ({"<": "le", ">": "be"}[bo], t), np.array([1 + 2j, -0.5 - 1e-3j, complex(np.nan, np.inf), 0j], dtype=dt)
        yield "%s_U3" % {"<": "le", ">": "be"}[bo], np.array(["a", "bc", "déf", "\u65e5\u672c", "", "\U0001F600"], dtype=bo + "U3")
        yield "%s_M8_s" % {"<": "le", ">": "be"}[bo], np.array(["2020-01-01T12:34:56", "NaT", "1969-12-31T23:59:59"], dtype=bo + "M8[s]")
        yield "%s_m8_ms" % {"<": "le", ">": "be"}[bo], np.array([1, -5, "NaT", 123456789], dtype=bo + "m8[ms]")
    yield "bool", np.array([[True, False, True], [False, False, True]])
    yield "i1", ints.astype(np.int8)
    yield "u1", np.array([0, 1, 255, 128, 7], dtype=np.uint8)
    yield "f16_longdouble", np.array([1.5, -0.1, np.inf, 2.0 ** -1000], dtype=np.longdouble)
    yield "S5", np.array([b"", b"a", b"hello", b"a\x00b", b"\xff\x01"], dtype="S5")
    yield "V4", np.array([b"\x01\x02\x03\x04", b"\x00\x00\x00\xff"], dtype="V4")
    yield "M8_ns", np.array(["2024-02-29T01:02:03.123456789", "NaT", "1677-09-22"], dtype="M8[ns]")
    yield "M8_D", np.array(["2000-01-01", "1900-03-01", "NaT"], dtype="M8[D]")
    yield "M8_2D", np.array([0, 10, -3], dtype="M8[2D]")
    yield "M8_Y", np.array(["1970", "2038", "NaT"], dtype="M8[Y]")
    yield "M8_generic", np.array(["NaT", "NaT"], dtype="M8")
    yield "m8_us", np.array([0, 1000000, -1], dtype="m8[us]")
    # orders and shapes
    yield "f8_2d_C", np.arange(12, dtype="<f8").reshape(3, 4) / 4
    yield "f8_2d_F", np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4) / 4)
    yield "i4_3d_F", np.asfortranarray(np.arange(24, dtype=">i4").reshape(2, 3, 4))
    yield "f4_col_F", np.asfortranarray(np.arange(3, dtype="<f4").reshape(3, 1))
    yield "f8_0d", np.array(3.25)
    yield "i4_0d", np.array(-7, dtype="<i4")
    yield "empty_1d", np.zeros((0,), dtype="<f8")
    yield "empty_3d", np.zeros((2, 0, 3), dtype="<i2")
    yield "f4_12d", rng.standard_normal(64).astype("<f4").reshape(1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2)
    yield "i2_long_axis", np.arange(20000, dtype="<i2")
    # structured
    yield "rec_simple", np.array([(1, 2.5), (-3, np.nan)], dtype=[("a", "<i4"), ("b", ">f8")])
    nested = np.dtype([("p", [("q", "<i2"), ("r", "S3")]), ("s", "<f4", (2, 3)), ("t", "<U2")])
    n = np.zeros(3, dtype=nested)
    n["p"]["q"] = [1, -2, 3]
    n["p"]["r"] = [b"ab", b"xyz", b""]
    n["s"] = np.arange(18, dtype="<f4").reshape(3, 2, 3)
    n["t"] = ["x", "yz", ""]
    yield "rec_nested", n
    aligned = np.dtype([("a", "i1"), ("b", "<i8"), ("c", "<f2", (3,))], align=True)
    al = np.zeros(2, dtype=aligned)
    al["a"] = [1, 2]
    al["b"] = [10 ** 12, -1]
    al["c"] = [[1, 2, 3], [0.5, -0.5, np.inf]]
    yield "rec_aligned", al
    padded = np.dtype({"names": ["x", "y"], "formats": ["u1", "<f4"], "offsets": [0, 4], "itemsize": 12})
    pd = np.zeros(2, dtype=padded)
    pd["x"] = [9, 8]
    pd["y"] = [1.25, -1.25]
    yield "rec_padded", pd
    yield "rec_titled", np.array([(5,), (6,)], dtype=[(("the title", "n"), "<i4")])
    yield "rec_latin1_name", np.array([(1, 2)], dtype=[("\u00e9t\u00e9", "<i2"), ("q'uote", "<i2")])
    yield "rec_F", np.asfortranarray(np.zeros((2, 2), dtype=[("a", "<i4"), ("b", "<f8")]))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    for name, a in cases():
        save(name, a)
    # format 2.0: forced for a small array, and chosen by np.save for a header over 64 KiB
    save("v2_forced", np.arange(5, dtype="<i2"), version=(2, 0))
    wide = np.dtype([("field%04d" % i, "u1") for i in range(4000)])
    w = np.zeros(2, dtype=wide)
    w["field0007"] = [7, 8]
    save("v2_large_header", w)
    # format 3.0: chosen by np.save for a field name that latin-1 cannot hold
    save("v3_utf8_names", np.array([(1, 2.0)], dtype=[("\u65e5\u672c", "<i4"), ("\u03c0", "<f8")]))
    # NPZ files
    a = np.arange(6, dtype="<i4").reshape(2, 3)
    b = np.array([1.5, np.nan], dtype=">f8")
    c = np.array(["x", "yy"], dtype="<U2")
    np.savez(os.path.join(OUT, "savez.npz"), a, b=b, c=c)
    np.savez_compressed(os.path.join(OUT, "savez_compressed.npz"), a, b=b, c=c)
    for key, arr in (("arr_0", a), ("b", b), ("c", c)):
        sidecar(os.path.join(OUT, "npz_%s.values" % key), arr)
    # an NPZ with a member that is not NPY: numpy returns its bytes
    with zipfile.ZipFile(os.path.join(OUT, "mixed.npz"), "w", zipfile.ZIP_DEFLATED) as z:
        buf = io.BytesIO()
        np.save(buf, a)
        z.writestr("a.npy", buf.getvalue())
        z.writestr("notes.txt", b"not an array\n")
    print("wrote", len(os.listdir(OUT)), "files to", OUT, "with numpy", np.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
