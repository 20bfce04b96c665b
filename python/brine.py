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

Long-term saving: a class whose state changes shape over time records a version in its state, a
dict with the key ``'__version__'`` (a state without it is version 1), and migrates older states
when loading. Brine's Java ``StateVersions`` writes exactly that; ``Versioned`` is the same for
Python classes, so either side reads what the other wrote::

    class Perceptron(brine.Versioned):
        __state_version__ = 3
        __migrations__ = {1: from_tuple, 2: rename_fields}   # version -> function(state) -> next

``load(file, generic=True)`` loads files naming classes that cannot be imported here as
``GenericObject`` stand-ins that keep the class name, arguments and state, for inspection.

``load`` unpickles ``pkl`` with Python's own pickle, which imports and calls what the file names,
as ``pkl_utils.load`` does: load only archives you trust (``generic=True`` stands in only for names
that cannot be imported, so it does not make a file safe). Brine's Java reader runs nothing from a
file. The context name of an old ``gpuarray`` member is read allowing only a str or None.
"""

import io
import os
import pickle
import tempfile
import zipfile
from collections import defaultdict

import numpy as np

__all__ = ["SharedVariable", "Versioned", "GenericObject", "VERSION_KEY", "state_version", "stamp", "upgrade",
           "dump", "load"]

VERSION_KEY = "__version__"
"""The state key that holds a state's version (Brine's ``StateVersions.VERSION_KEY``)."""


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


def state_version(state):
    """The version ``state`` was written at: its ``'__version__'`` entry if it is a dict with one, else 1."""
    if isinstance(state, dict) and VERSION_KEY in state:
        version = state[VERSION_KEY]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ValueError("the state's %s must be an int of at least 1, not %r" % (VERSION_KEY, version))
        return version
    return 1


def stamp(state, version):
    """``state`` (a dict) as pickled at ``version``: a copy with ``'__version__'`` first."""
    if not isinstance(state, dict):
        raise TypeError("a versioned state must be a dict, not %s" % type(state).__name__)
    out = {VERSION_KEY: version}
    out.update((k, v) for k, v in state.items() if k != VERSION_KEY)
    return out


def upgrade(state, current, migrations):
    """``state`` migrated from the version it was written at to ``current``, without ``'__version__'``.

    ``migrations`` maps each version ``v`` to a function turning a version-``v`` state into a
    version-``v + 1`` one; each sees and returns states without the version key.
    """
    version = state_version(state)
    if version > current:
        raise ValueError("state version %d is newer than version %d, the newest this class reads"
                         % (version, current))
    state = _without_version(state)
    for v in range(version, current):
        if v not in migrations:
            raise ValueError("no migration from state version %d" % v)
        state = _without_version(migrations[v](state))
    return state


def _without_version(state):
    if isinstance(state, dict):
        return {k: v for k, v in state.items() if k != VERSION_KEY}
    return state


class Versioned:
    """Base for classes whose pickled state carries a version and migrates on load.

    Set ``__state_version__`` (the current version) and ``__migrations__`` (version -> function);
    the state is the instance ``__dict__`` unless ``_current_state``/``_restore`` are overridden.
    Files stay loadable by plain pickle: the state is an ordinary dict with one more key.
    """

    __state_version__ = 1
    __migrations__ = {}

    def _current_state(self):
        return dict(self.__dict__)

    def _restore(self, state):
        self.__dict__.update(state)

    def __getstate__(self):
        return stamp(self._current_state(), self.__state_version__)

    def __setstate__(self, state):
        self._restore(upgrade(state, self.__state_version__, self.__migrations__))


class GenericObject:
    """Stands for an instance of a class that cannot be imported here (``load(..., generic=True)``).

    ``module`` and ``name`` say which class, ``args`` what it was created with, ``state`` what
    BUILD gave it (None if nothing). It cannot be pickled back under its original name.
    """

    module = None
    name = None
    args = ()
    kwargs = {}
    state = None

    def __new__(cls, *args, **kwargs):
        obj = object.__new__(cls)
        obj.args = args
        obj.kwargs = kwargs
        obj.state = None
        return obj

    def __init__(self, *args, **kwargs):
        pass  # REDUCE calls the class: the arguments are already kept by __new__

    def __setstate__(self, state):
        self.state = state

    def __repr__(self):
        return "<%s.%s args=%r state=%r>" % (self.module, self.name, self.args, self.state)


_generic_classes = {}


def _generic_class(module, name):
    key = (module, name)
    if key not in _generic_classes:
        _generic_classes[key] = type(name, (GenericObject,), {"module": module, "name": name})
    return _generic_classes[key]


class _Unpickler(pickle.Unpickler):
    """An Unpickler that, when asked, stands in for classes it cannot import."""

    def __init__(self, data, generic):
        super().__init__(data)
        self.generic = generic

    def find_class(self, module, name):
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            if not self.generic:
                raise
            return _generic_class(module, name)


def _numpy_key(member):
    """The key numpy.load lists a ZIP member under: its name without a trailing ``.npy``."""
    return member[:-4] if member.endswith(".npy") else member


class _ArrayIds:
    """persistent_id for dump: each distinct ndarray becomes one NPY member.

    Names follow Aesara's rules (a named variable's name, ``_2``, ``_3`` for duplicates, else
    ``array_0``, ``array_1``...) and, as Brine's Java writer does, never give a name twice, by the key
    numpy.load lists a member under (its name without a trailing ``.npy``: ``W.npy`` beside ``W`` becomes
    ``W.npy_2``, and ``pkl.npy`` is refused as ``pkl`` is).
    """

    def __init__(self, zip_file, allow_unnamed, allow_duplicates):
        self.zip_file = zip_file
        self.allow_unnamed = allow_unnamed
        self.allow_duplicates = allow_duplicates
        self.count = 0
        self.seen = {}
        self.names = {}
        self.name_counter = defaultdict(int)
        self.used = {"pkl"}
        self.keep = []  # keeps ids stable while pickling

    def _member_name(self, array):
        name = self.names.get(id(array))
        if name is not None:
            count = self.name_counter[name]
            self.name_counter[name] += 1
            if count and not self.allow_duplicates:
                raise ValueError("multiple shared variables with the name `%s` found" % name)
            member = name if count == 0 else "%s_%d" % (name, count + 1)
            while _numpy_key(member) in self.used:
                count = self.name_counter[name]
                self.name_counter[name] += 1
                member = "%s_%d" % (name, count + 1)
        else:
            member = "array_%d" % self.count
            self.count += 1
            while member in self.used:
                member = "array_%d" % self.count
                self.count += 1
        self.used.add(_numpy_key(member))
        return member

    def __call__(self, obj):
        if isinstance(obj, SharedVariable):
            if obj.name:
                if obj.name == "pkl":
                    raise ValueError("can't pickle shared variable with name `pkl`")
                if _numpy_key(obj.name) == "pkl":
                    raise ValueError("can't pickle shared variable with name `%s` (numpy.load lists it as `pkl`)" % obj.name)
                problem = _unsafe(obj.name)
                if problem:
                    raise ValueError("shared variable name %r cannot be a member name: %s" % (obj.name, problem))
                if isinstance(obj.value, np.ndarray):
                    self.names[id(obj.value)] = obj.name
            elif not self.allow_unnamed:
                raise ValueError("unnamed shared variable, %r" % (obj,))
            return None
        # not only dtype object: a structured dtype with an object field holds Python objects too, which
        # an NPY member could keep only as a pickle that numpy.load (allow_pickle=False) refuses to read
        if isinstance(obj, np.ndarray) and not obj.dtype.hasobject:
            key = id(obj)
            if key not in self.seen:
                name = self._member_name(obj)
                buf = io.BytesIO()
                np.lib.format.write_array(buf, obj, allow_pickle=False)
                self.zip_file.writestr(name, buf.getvalue())
                self.seen[key] = "ndarray." + name
                self.keep.append(obj)
            return self.seen[key]
        return None


def _unsafe(name):
    """Why ``name`` cannot be a member name (readers refuse it), or None."""
    n = name.replace("\\", "/")
    if n.startswith("/") or (len(n) >= 2 and n[1] == ":" and n[0].isalpha()):
        return "absolute paths are refused"
    if "\0" in n:
        return "NUL characters are refused"
    if ".." in n.split("/"):
        return "'..' segments are refused"
    return None


def _ordinary_permissions(tmp, target):
    """mkstemp makes owner-only files; give the new file the replaced file's mode, or the umask's."""
    try:
        mode = os.stat(target).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


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
            _ordinary_permissions(tmp, target)
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


class _ContextName(pickle.Unpickler):
    """Reads the context name pickled before an old gpuarray member's data: a str or None, nothing else.

    No global is ever looked up, so the member cannot run anything (``pkl_utils.load`` reads it with
    a bare ``pickle.load``); Brine's Java reader likewise reads anything else there inert and refuses it.
    """

    def find_class(self, module, name):
        raise pickle.UnpicklingError("a gpuarray member's context name must be a pickled str or None, "
                                     "not a reference to %s.%s" % (module, name))

    def load(self):
        context = super().load()
        if context is not None and not isinstance(context, str):
            raise pickle.UnpicklingError("a gpuarray member's context name must be a pickled str or None, not %s"
                                         % type(context).__name__)
        return context


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
            _ContextName(data).load()  # the context name, which plain numpy does not need
        elif kind != "ndarray":
            raise pickle.UnpicklingError("unsupported persistent id %r" % (pid,))
        array = np.lib.format.read_array(data, allow_pickle=False)
        self.cache[name] = array
        return array


def load(file, generic=False):
    """Loads the object saved in a Brine archive (a path or a binary file object).

    With ``generic=True``, classes that cannot be imported load as ``GenericObject`` stand-ins.
    """
    with zipfile.ZipFile(file, "r") as zip_file:
        unpickler = _Unpickler(io.BytesIO(zip_file.read("pkl")), generic)
        unpickler.persistent_load = _ArrayLoader(zip_file)
        return unpickler.load()
