#!/usr/bin/env python3
"""Makes the PyTorch and safetensors golden files Brine's tests read, with the real torch and
safetensors packages:

    python3 tools/golden/make_torch_golden.py

Writes brine-core/src/test/resources/golden/torch/*.pt and .../golden/safetensors/*.safetensors.
Element values follow one formula the Java tests recompute (see `base` below), so the files need
no separate expected-value records. Every file is checked here after writing: torch (or
safetensors) must load it back equal, and the refused files must be refused by torch too.
"""
import collections
import io
import math
import os
import pickle
import pickletools
import struct
import sys
import warnings
import zipfile

import numpy as np
import safetensors.torch
import torch

warnings.filterwarnings("ignore")  # TypedStorage deprecation

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "brine-core", "src", "test",
                    "resources", "golden")
TORCH = os.path.join(ROOT, "torch")
SAFE = os.path.join(ROOT, "safetensors")


def base(i):
    """The value of element i (C order) before it is fitted to a dtype; Java's TorchGolden.base."""
    return ((i * 5) % 17) - 8


def filled(dtype, shape):
    """A tensor whose element i is base(i) fitted to dtype, as TorchGolden.expected computes."""
    n = math.prod(shape)
    v = [base(i) for i in range(n)]
    if dtype == torch.bool:
        t = torch.tensor([(x + 8) % 3 == 0 for x in v], dtype=torch.bool)
    elif dtype in (torch.uint8, torch.uint16, torch.uint32, torch.uint64):
        t = torch.tensor([x + 8 for x in v], dtype=torch.int64).to(dtype)
    elif dtype.is_complex:
        t = torch.complex(torch.tensor([x / 2 for x in v], dtype=torch.float64),
                          torch.tensor([-x / 4 for x in v], dtype=torch.float64)).to(dtype)
    elif dtype.is_floating_point:
        t = torch.tensor([x / 2 for x in v], dtype=torch.float64).to(dtype)
    else:
        t = torch.tensor(v, dtype=torch.int64).to(dtype)
    return t.reshape(shape)


DTYPES = {
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16,
    "int8": torch.int8, "int16": torch.int16, "int32": torch.int32, "int64": torch.int64, "uint8": torch.uint8,
    "bool": torch.bool, "complex64": torch.complex64, "complex128": torch.complex128,
    "uint16": torch.uint16, "uint32": torch.uint32, "uint64": torch.uint64,
}
TYPED = [k for k in DTYPES if k not in ("uint16", "uint32", "uint64")]


def same(a, b, where="value"):
    """Recursive equality with tensors compared by dtype, shape and values."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        assert isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor), where
        assert a.dtype == b.dtype and a.shape == b.shape, (where, a.dtype, b.dtype, a.shape, b.shape)
        assert torch.equal(a.cpu(), b.cpu()) if a.numel() else True, where
        return
    if isinstance(a, dict):
        assert type(a) is type(b) and list(a.keys()) == list(b.keys()), where
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
        return
    if isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
        return
    if isinstance(a, torch.storage.TypedStorage) or isinstance(a, torch.UntypedStorage):
        def raw(s):
            return bytes(s._untyped_storage if isinstance(s, torch.storage.TypedStorage) else s)
        assert raw(a) == raw(b), where  # an UntypedStorage loads as a uint8 TypedStorage
        return
    assert a == b or (a != a and b != b), (where, a, b)


def save(obj, name, **kw):
    path = os.path.join(TORCH, name)
    torch.save(obj, path, **kw)
    same(obj, torch.load(path, weights_only=True), name)
    return path


def dtypes():
    d = {name: filled(t, (2, 3)) for name, t in DTYPES.items()}
    d["scalar"] = filled(torch.float64, ())
    d["empty"] = filled(torch.float32, (0, 3))
    return d


def views():
    t = filled(torch.float32, (3, 4))
    return {
        "t": t,
        "T": t.t(),                    # transposed: Fortran-contiguous view of t's storage
        "row": t[1],                   # offset view
        "tail": t.view(12)[5:],        # offset view, 1-d
        "flat": t.view(12),            # the whole storage, another shape
        "again": t,                    # the same tensor twice
        "col": t[:, 1],                # strided: copied by Brine
        "step": t[:, ::2],             # strided
        "expanded": filled(torch.int32, (1, 3)).expand(4, 3),  # stride 0
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "bare": filled(torch.int16, (3,)).untyped_storage(),   # an untyped storage on its own
        "typed": filled(torch.float64, (2,)).storage(),        # a typed storage on its own
    }


def state_dict():
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    with torch.no_grad():
        for name, p in list(m.named_parameters()) + list(m.named_buffers()):
            if p.dtype.is_floating_point:
                p.copy_(filled(p.dtype, tuple(p.shape)))
    return m.state_dict()


def nested():
    attr = filled(torch.float32, (2,))
    attr.note = "hi"   # a tensor with a Python attribute: torch._tensor._rebuild_from_type_v2
    return {
        "model": state_dict(),
        "optimizer": {
            "state": {0: {"step": torch.tensor(3.0), "exp_avg": filled(torch.float32, (2, 3))}},
            "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
                              "amsgrad": False, "params": [0]}],
        },
        "epoch": 5,
        "name": "run-\u00e9",
        "flags": [True, False, None],
        "big": 2 ** 70,
        "neg": -3,
        "bytes": b"\x00\xff",
        "set": {1, 2},
        "complex": 1 + 2j,
        "float": 1.5,
        "inf": float("inf"),
        "dtype": torch.float16,
        "size": torch.Size([2, 3]),
        "device": torch.device("cpu"),
        "cuda": torch.device("cuda", 1),
        "nested": [[1, [2, (3, {"k": "v"})]]],
        "param": torch.nn.Parameter(filled(torch.float32, (2,))),
        "frozen": torch.nn.Parameter(filled(torch.int64, (2,)), requires_grad=False),
        "attr": attr,
    }


def big_endian():
    """dtypes.pt rewritten as a big-endian machine writes it: byteorder 'big', storages swapped."""
    src = {name: filled(DTYPES[name], (2, 3)) for name in TYPED}
    buf = io.BytesIO()
    torch.save(src, buf)
    zin = zipfile.ZipFile(buf)
    # storage keys are given in order of first use, one per tensor here
    units = {}
    for i, name in enumerate(src):
        t = src[name]
        units[str(i)] = t.element_size() // 2 if t.is_complex() else t.element_size()
    path = os.path.join(TORCH, "big_endian.pt")
    with zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename.split("/", 1)[1]
            if name == "byteorder":
                data = b"big"
            elif name.startswith("data/") and units[name[5:]] > 1:
                data = np.frombuffer(data, dtype="<u%d" % units[name[5:]]).byteswap().tobytes()
            if name == ".data/serialization_id":
                continue
            zout.writestr(info, data)
    same(src, torch.load(path, weights_only=True), "big_endian.pt")


def legacy():
    t = filled(torch.float32, (2, 3))
    obj = {"t": t, "row": t[1], "T": t.t(), "i16": filled(torch.int16, (3,)), "b": filled(torch.bool, (2,)),
           "bf": filled(torch.bfloat16, (2,)), "sd": collections.OrderedDict([("w", filled(torch.float64, (2,)))])}
    save(obj, "legacy.pt", _use_new_zipfile_serialization=False)


def malicious():
    """A checkpoint whose data.pkl calls os.system: torch's weights_only loader refuses it."""
    command = b"echo brine-was-pwned 1>&2"
    payload = (b"\x80\x02cos\nsystem\nq\x00X" + struct.pack("<I", len(command)) + command
               + b"q\x01\x85q\x02Rq\x03.")
    assert [op.name for op, _, _ in pickletools.genops(payload)][-3:] == ["REDUCE", "BINPUT", "STOP"]
    path = os.path.join(TORCH, "malicious.pt")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("malicious/data.pkl", payload)
        z.writestr("malicious/byteorder", "little")
        z.writestr("malicious/version", "3\n")
    try:
        torch.load(path, weights_only=True)
        raise AssertionError("torch loaded malicious.pt")
    except pickle.UnpicklingError:
        pass


def float8():
    save({"f8": filled(torch.float8_e4m3fn, (2,))}, "float8.pt")


def safetensors_files():
    d = {name: filled(t, (2, 3)) for name, t in DTYPES.items() if name != "complex128"}
    d["f8_e4m3"] = filled(torch.float8_e4m3fn, (2, 3))
    d["f8_e5m2"] = filled(torch.float8_e5m2, (2, 3))
    d["scalar"] = filled(torch.float64, ())
    d["empty"] = filled(torch.float32, (0, 3))
    d["t\u00e9"] = filled(torch.int32, (4,))
    meta = {"format": "pt", "note": "golden \"quoted\"\n\u00e9"}
    path = os.path.join(SAFE, "dtypes.safetensors")
    safetensors.torch.save_file(d, path, metadata=meta)
    back = safetensors.torch.load_file(path)
    for k in d:
        same(d[k], back[k], k)


def main():
    os.makedirs(TORCH, exist_ok=True)
    os.makedirs(SAFE, exist_ok=True)
    save(dtypes(), "dtypes.pt")
    save(views(), "views.pt")
    save(state_dict(), "state_dict.pt")
    save(nested(), "nested.pt")
    big_endian()
    legacy()
    malicious()
    float8()
    safetensors_files()
    total = sum(os.path.getsize(os.path.join(d, f)) for d in (TORCH, SAFE) for f in os.listdir(d))
    print(f"golden files written: {total} bytes, torch {torch.__version__}, safetensors {safetensors.__version__}")
    assert total < 1 << 20


if __name__ == "__main__":
    main()
