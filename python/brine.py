"""Brine model archives in Python, with nothing but numpy.

A Brine archive (the "robust" format of Aesara's ``pkl_utils``) is a ZIP file holding:

* one NPY member per distinct array, named after the shared variable that holds it (``W``, then
  ``W_2``, ``W_3`` for duplicates) or ``array_0``, ``array_1``, ... in the order met, with no suffix;
* a member ``pkl``, written last, holding the pickle of the object, which refers to each array
  through the persistent id ``"ndarray.<member>"``.

``numpy.load('model.zip')`` lists the arrays (and ``pkl``) and returns the arrays without this
module; this module loads and saves the whole object, Brine's own classes included::

    import brine
    model = brine.load("model.zip")
    brine.dump(model, "copy.zip")

Old archives whose ids say ``gpuarray.<name>`` (a context name pickled before the NPY data in the
same member) load as plain numpy arrays.
"""

import io
import os
import pickle
import tempfile
import zipfile
from collections import defaultdict

import numpy as np

__all__ = ["SharedVariable", "dump", "load"]


class SharedVariable:
    """A named value, like Aesara's shared variables: the archive names the value's member after it.

    Brine's Java ``dev.brine.archive.SharedVariable`` pickles as ``brine.SharedVariable`` with the
    state ``{'name': name, 'value': value}``.
    """

    def __init__(self, value=None, name=None):
        self.name = name
        self.value = value

    def __getstate__(self):
        return {"name": self.name, "value": self.value}

    def __setstate__(self, state):
        self.name = state["name"]
        self.value = state["value"]

    def __eq__(self, other):
        return (isinstance(other, SharedVariable) and self.name == other.name
                and _values_equal(self.value, other.value))

    def __repr__(self):
        return "SharedVariable(%r, name=%r)" % (self.value, self.name)


def _values_equal(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b, equal_nan=a.dtype.kind in "fc") if a.shape == b.shape else False
    return a == b


class _ArrayIds:
    """persistent_id for dump: each distinct ndarray becomes one NPY member."""

    def __init__(self, zip_file, allow_unnamed, allow_duplicates):
        self.zip_file = zip_file
        self.allow_unnamed = allow_unnamed
        self.allow_duplicates = allow_duplicates
        self.count = 0
        self.seen = {}
        self.names = {}
        self.name_counter = defaultdict(int)
        self.keep = []  # keeps ids stable while pickling

    def _member_name(self, array):
        name = self.names.get(id(array))
        if name is not None:
            count = self.name_counter[name]
            self.name_counter[name] += 1
            if count:
                if not self.allow_duplicates:
                    raise ValueError("multiple shared variables with the name `%s` found" % name)
                return "%s_%d" % (name, count + 1)
            return name
        name = "array_%d" % self.count
        self.count += 1
        return name

    def __call__(self, obj):
        if isinstance(obj, SharedVariable):
            if obj.name:
                if obj.name == "pkl":
                    raise ValueError("can't pickle shared variable with name `pkl`")
                if isinstance(obj.value, np.ndarray):
                    self.names[id(obj.value)] = obj.name
            elif not self.allow_unnamed:
                raise ValueError("unnamed shared variable, %r" % (obj,))
            return None
        if isinstance(obj, np.ndarray) and obj.dtype != object:
            key = id(obj)
            if key not in self.seen:
                name = self._member_name(obj)
                buf = io.BytesIO()
                np.lib.format.write_array(buf, obj)
                self.zip_file.writestr(name, buf.getvalue())
                self.seen[key] = "ndarray." + name
                self.keep.append(obj)
            return self.seen[key]
        return None


def dump(obj, file, protocol=pickle.HIGHEST_PROTOCOL, compression=zipfile.ZIP_DEFLATED,
         allow_unnamed=True, allow_duplicates=True):
    """Saves ``obj`` as a Brine archive to ``file`` (a path or a binary file object).

    A path is written atomically: to a temporary file in the same folder, then renamed.
    """
    if isinstance(file, (str, os.PathLike)):
        target = os.fspath(file)
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".",
                                   suffix=".tmp", dir=os.path.dirname(os.path.abspath(target)))
        try:
            with os.fdopen(fd, "wb") as f:
                dump(obj, f, protocol, compression, allow_unnamed, allow_duplicates)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return
    with zipfile.ZipFile(file, "w", compression, allowZip64=True) as zip_file:
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=protocol)
        pickler.persistent_id = _ArrayIds(zip_file, allow_unnamed, allow_duplicates)
        pickler.dump(obj)
        zip_file.writestr("pkl", out.getvalue())


class _ArrayLoader:
    """persistent_load for load: reads the named member (ndarray or old gpuarray ids)."""

    def __init__(self, zip_file):
        self.zip_file = zip_file
        self.cache = {}

    def __call__(self, pid):
        if not isinstance(pid, str) or "." not in pid:
            raise pickle.UnpicklingError("unsupported persistent id %r" % (pid,))
        kind, name = pid.split(".", 1)
        if name in self.cache:
            return self.cache[name]
        with self.zip_file.open(name) as member:
            data = io.BytesIO(member.read())
        if kind == "gpuarray":
            pickle.load(data)  # the context name, which plain numpy does not need
        elif kind != "ndarray":
            raise pickle.UnpicklingError("unsupported persistent id %r" % (pid,))
        array = np.lib.format.read_array(data, allow_pickle=False)
        self.cache[name] = array
        return array


def load(file):
    """Loads the object saved in a Brine archive (a path or a binary file object)."""
    with zipfile.ZipFile(file, "r") as zip_file:
        unpickler = pickle.Unpickler(io.BytesIO(zip_file.read("pkl")))
        unpickler.persistent_load = _ArrayLoader(zip_file)
        return unpickler.load()
