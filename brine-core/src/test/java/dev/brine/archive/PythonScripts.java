package dev.brine.archive;

/** Python snippets shared by the archive tests that run CPython with numpy as the oracle. */
final class PythonScripts {
    private PythonScripts() {
    }

    /** Imports, with python/brine.py importable from {@code sys.argv[2]}. */
    static final String PRELUDE = """
            import io, os, pickle, sys, tempfile, zipfile
            from collections import defaultdict
            import numpy as np
            sys.path.insert(0, sys.argv[2])
            import brine
            """;

    /** {@code model}: the object of {@link ArchiveFixtures#model()}, built in Python; {@code same(a, b)}: deep equality. */
    static final String MODEL = """
            W = np.arange(6, dtype='<f4').reshape(2, 3)
            model = {
                'layers': [brine.SharedVariable(W, 'W'), brine.SharedVariable(np.array([0.5, -1.5]), 'b'),
                           brine.SharedVariable(np.array([7, 8, 9], dtype='<i4'), 'W'),
                           brine.SharedVariable(np.asfortranarray(np.array([[1, 2], [3, 4]], dtype='<i8')), None)],
                'plain': np.array([3.25]),
                'again': W,
                'big_endian': np.array([256, 2], dtype='>i4'),
                'lr': 0.125,
                'shape': (2, 3),
            }
            members = {'W': W, 'b': np.array([0.5, -1.5]), 'W_2': np.array([7, 8, 9], dtype='<i4'),
                       'array_0': np.array([[1, 2], [3, 4]], dtype='<i8'), 'array_1': np.array([3.25]),
                       'array_2': np.array([256, 2], dtype='>i4')}

            def same(a, b):
                if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                    return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                            and a.shape == b.shape and np.array_equal(a, b))
                if isinstance(a, dict):
                    return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
                if isinstance(a, (list, tuple)):
                    return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
                if isinstance(a, brine.SharedVariable):
                    return isinstance(b, brine.SharedVariable) and a.name == b.name and same(a.value, b.value)
                return type(a) is type(b) and a == b
            """;

    /** Aesara's {@code pkl_utils} persistent ids and {@code dump}, as written there, with brine's SharedVariable. */
    static final String PKL_UTILS_DUMP = """
            class PersistentNdarrayID:
                def __init__(self, zip_file):
                    self.zip_file = zip_file
                    self.count = 0
                    self.seen = {}

                def _resolve_name(self, obj):
                    name = f"array_{self.count}"
                    self.count += 1
                    return name

                def __call__(self, obj):
                    if isinstance(obj, np.ndarray):
                        if id(obj) not in self.seen:
                            def write_array(f):
                                np.lib.format.write_array(f, obj)
                            name = self._resolve_name(obj)
                            zipadd(write_array, self.zip_file, name)
                            self.seen[id(obj)] = f"ndarray.{name}"
                        return self.seen[id(obj)]

            class FakeGpuArray:
                \"\"\"Stands for pygpu's GpuArray: an array that lives in a GPU context.\"\"\"
                def __init__(self, data, context):
                    self.data = data
                    self.context = context

            class PersistentGpuArrayID(PersistentNdarrayID):
                def __call__(self, obj):
                    if isinstance(obj, FakeGpuArray):
                        if id(obj) not in self.seen:
                            def write_array(f):
                                pickle.dump(obj.context, f, 2)
                                np.lib.format.write_array(f, np.asarray(obj.data))
                            name = self._resolve_name(obj)
                            zipadd(write_array, self.zip_file, name)
                            self.seen[id(obj)] = f"gpuarray.{name}"
                        return self.seen[id(obj)]
                    return super().__call__(obj)

            class PersistentSharedVariableID(PersistentGpuArrayID):
                def __init__(self, zip_file, allow_unnamed=True, allow_duplicates=True):
                    super().__init__(zip_file)
                    self.name_counter = defaultdict(int)
                    self.ndarray_names = {}
                    self.allow_unnamed = allow_unnamed
                    self.allow_duplicates = allow_duplicates

                def _resolve_name(self, obj):
                    if id(obj) in self.ndarray_names:
                        name = self.ndarray_names[id(obj)]
                        count = self.name_counter[name]
                        self.name_counter[name] += 1
                        if count:
                            if not self.allow_duplicates:
                                raise ValueError(f"multiple shared variables with the name `{name}` found")
                            name = f"{name}_{count + 1}"
                        return name
                    return super()._resolve_name(obj)

                def __call__(self, obj):
                    if isinstance(obj, brine.SharedVariable):
                        if obj.name:
                            self.ndarray_names[id(obj.value)] = obj.name
                        elif not self.allow_unnamed:
                            raise ValueError(f"unnamed shared variable, {obj}")
                    return super().__call__(obj)

            def zipadd(func, zip_file, name):
                with tempfile.NamedTemporaryFile("wb", delete=False) as temp_file:
                    func(temp_file)
                    temp_file.close()
                    zip_file.write(temp_file.name, arcname=name)
                    if os.path.isfile(temp_file.name):
                        os.remove(temp_file.name)

            def pkl_utils_dump(obj, file_handler, protocol=pickle.DEFAULT_PROTOCOL,
                               persistent_id=PersistentSharedVariableID):
                with zipfile.ZipFile(file_handler, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zip_file:
                    def func(f):
                        p = pickle.Pickler(f, protocol=protocol)
                        p.persistent_id = persistent_id(zip_file)
                        p.dump(obj)
                    zipadd(func, zip_file, "pkl")
            """;

    /** Aesara's {@code PersistentNdarrayLoad} without the GPU branch, and {@code pkl_utils.load}. */
    static final String PKL_UTILS_LOAD = """
            class PersistentNdarrayLoad:
                def __init__(self, zip_file):
                    self.zip_file = zip_file
                    self.cache = {}

                def __call__(self, persid):
                    array_type, name = persid.split(".")
                    if name in self.cache:
                        return self.cache[name]
                    with self.zip_file.open(name) as f:
                        ret = np.lib.format.read_array(f)
                    self.cache[name] = ret
                    return ret

            def pkl_utils_load(f, persistent_load=PersistentNdarrayLoad):
                with zipfile.ZipFile(f, "r") as zip_file:
                    p = pickle.Unpickler(io.BytesIO(zip_file.open("pkl").read()))
                    p.persistent_load = persistent_load(zip_file)
                    return p.load()
            """;
}
