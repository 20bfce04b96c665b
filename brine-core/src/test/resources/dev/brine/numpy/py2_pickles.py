# Python 2 pickles of numpy objects, made without Python 2, and what Python 3 loads from them.
#
# Py2Pickler writes what Python 2's cPickle writes for numpy objects at protocols 0-2: every str is a
# Python 2 str (STRING, or SHORT_BINSTRING/BINSTRING), as numpy's type strings, byte orders, field
# names, units and raw data are in Python 2; numpy.dtype's arguments are (typestr, 0, 1), as numpy
# 1.x under Python 2 gave them; globals under their Python 2 names (numpy.core.multiarray).
#
#   make      for each case and protocol: name, protocol, the pickle (hex), then what
#             pickle.loads(p, encoding=E) gives for E in bytes, latin1, ASCII ('-' when it raises)
#   describe  for each line of stdin (a pickle in hex, or '-'): what pickle.loads gives
import io
import pickle
import struct
import sys
import warnings

import numpy as np

warnings.simplefilter('ignore', DeprecationWarning)


class Py2Pickler(pickle._Pickler):
    def save_py2str(self, obj):
        b = obj if isinstance(obj, bytes) else obj.encode('latin1')
        if self.bin:
            if len(b) < 256:
                self.write(b'U' + bytes([len(b)]) + b)
            else:
                self.write(b'T' + struct.pack('<i', len(b)) + b)
        else:
            esc = {'\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t'}
            text = ''.join(esc.get(c, c if 32 <= ord(c) < 127 else '\\x%02x' % ord(c)) for c in b.decode('latin1'))
            self.write(b"S'" + text.encode('ascii') + b"'\n")
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[str] = save_py2str
    dispatch[bytes] = save_py2str

    typestrs = {}  # numpy's type strings as another machine wrote them: {'O8': 'O4'} on 32-bit ones

    def reducer_override(self, obj):
        if isinstance(obj, np.dtype):
            f, args, state = obj.__reduce__()
            if isinstance(args[0], str):
                args = (self.typestrs.get(args[0], args[0]), 0, 1)
            return f, args, state
        return NotImplemented

    def save_global(self, obj, name=None):
        module, name = obj.__module__, name or obj.__qualname__
        if module.startswith('numpy._core'):
            module = 'numpy.core' + module[len('numpy._core'):]
        elif module == 'builtins':
            module = '__builtin__'
        elif module == 'copyreg':
            module = 'copy_reg'
        self.write(b'c' + module.encode() + b'\n' + name.encode() + b'\n')
        self.memoize(obj)


def py2_dumps(obj, protocol, typestrs=None, fast=False):
    f = io.BytesIO()
    p = Py2Pickler(f, protocol)
    p.typestrs = typestrs or {}
    p.fast = fast  # no memo: a name in a dtype's names and its key in the fields dict are then distinct objects
    p.dump(obj)
    return f.getvalue()


def desc(o):
    """A text that tells apart what numpy tells apart: types, dtypes (with titles and metadata), bytes."""
    if isinstance(o, np.ndarray):
        d = o.dtype
        flags = ('F' if o.flags.f_contiguous and not o.flags.c_contiguous else 'C')
        if d.hasobject:
            return 'ndarray(%s %r %s %s)' % (dtdesc(d), o.shape, flags, desc(o.ravel(order='A').tolist()))
        return 'ndarray(%s %r %s %s)' % (dtdesc(d), o.shape, flags, o.tobytes(order='A').hex())
    if isinstance(o, np.generic):
        return '%s(%s %s)' % (type(o).__name__, dtdesc(o.dtype), o.tobytes().hex())
    if isinstance(o, np.dtype):
        return 'dtype(%s %r %s)' % (dtdesc(o), o.names, desc(dict(o.fields)) if o.fields is not None else None)
    if isinstance(o, bytes):
        return 'b:' + o.hex()
    if isinstance(o, dict):
        return '{' + ', '.join(desc(k) + ': ' + desc(v) for k, v in o.items()) + '}'
    if isinstance(o, (list, tuple)):
        return type(o).__name__ + '[' + ', '.join(desc(x) for x in o) + ']'
    return type(o).__name__ + ':' + repr(o)


def dtdesc(d):
    return '%r %s %s %s %s' % (d, d.str, d.isalignedstruct, d.type.__name__, desc(dict(d.metadata)) if d.metadata is not None else None)


CASES = [
    ('cifar', "{'batch_label': 'training batch 1 of 5', 'labels': [6, 9, 9],"
              " 'data': (np.arange(250, 262) % 256).astype('u1').reshape(2, 6), 'filenames': ['a_s_000004.png', 'b.png']}"),
    ('mnist', "((np.array([[0.0, 0.99609375, 0.5]], dtype='<f4'), np.array([5], dtype='<i8')),) * 2"),
    ('u1 ascii', "np.arange(6, dtype='u1')"),
    ('f4 2x3', "np.arange(6, dtype='<f4').reshape(2, 3)"),
    ('f8 fortran', "np.asfortranarray(np.arange(6.0).reshape(2, 3))"),
    ('i2 big', "np.arange(-2, 3, dtype='>i2')"),
    ('f2', "np.array([1.5, np.nan, -np.inf], dtype='<f2')"),
    ('c16', "np.array([1+2j, -0.5j])"),
    ('bool', "np.array([True, False])"),
    ('u8', "np.array([1, 2**64 - 1], dtype='<u8')"),
    ('0-d', "np.array(3.25)"),
    ('empty', "np.zeros((0, 3), dtype='<f4')"),
    ('S', "np.array([b'ab', b'c\\xff'])"),
    ('U', "np.array(['ab', 'c'])"),
    ('U non-ascii', "np.array(['\\xe9t\\xe9'])"),
    ('M8[D]', "np.array(['2020-01-01', 'NaT'], dtype='M8[D]')"),
    ('M8[ns]', "np.array(['2020-01-01T00:00:00.000000001'], dtype='<M8[ns]')"),
    ('m8[ms]', "np.array([1, -2], dtype='m8[ms]')"),
    ('m8[3s]', "np.array([5], dtype='>m8[3s]')"),
    ('struct', "np.array([(1, b'x'), (-2, b'yz')], dtype=[('a', '<i4'), ('b', 'S3')])"),
    ('struct nested', "np.zeros(2, dtype=[('p', [('q', '>i2'), ('r', 'S3')]), ('s', '<f4', (2, 3)), ('t', '<M8[ms]')])"),
    ('struct aligned', "np.zeros(2, dtype=np.dtype([('a', 'i1'), ('b', '>f8'), ('c', '<U2')], align=True))"),
    ('struct offsets', "np.zeros(2, dtype={'names': ['x', 'y'], 'formats': ['u1', '<f4'], 'offsets': [8, 0], 'itemsize': 12})"),
    ('struct titled', "np.zeros(2, dtype=[(('T', 'a'), '<i4'), ('b', 'u1')])"),
    ('struct non-ascii name', "np.zeros(2, dtype=[('\\xe9', '<i4')])"),
    ('object', "np.array([1, 'x', None, 2.5], dtype=object)"),
    ('object 32-bit', "np.array([1, 'x', None, 2.5], dtype=object)", {'O8': 'O4'}),
    ('struct 32-bit', "np.zeros(2, dtype=[('a', '<i4'), ('o', 'O')])", {'O8': 'O4'}),
    ('metadata array', "np.zeros(3, np.dtype('<i4', metadata={'unit': 'm'}))"),
    ('float64', "np.float64(0.7)"),
    ('int64', "np.int64(-7)"),
    ('float32', "np.float32(1.5)"),
    ('bool_', "np.bool_(True)"),
    ('complex128', "np.complex128(1+2j)"),
    ('datetime64', "np.datetime64('2020-01-01', 'D')"),
    ('timedelta64', "np.timedelta64(5, 's')"),
    ('bytes_', "np.bytes_(b'ab')"),
    ('str_', "np.str_('ab')"),
    ('void', "np.zeros(1, [('a', '<i4'), ('b', 'S3')])[0]"),
    ('dtype >f4', "np.dtype('>f4')"),
    ('dtype subarray', "np.dtype([('a', '<i4', (2, 3))])"),
    ('dtype M8[us]', "np.dtype('M8[us]')"),
    ('dtype U4', "np.dtype('U4')"),
    ('dtype record', "np.dtype((np.record, [('a', '<i4'), ('b', 'u1')]))"),
    ('dtype metadata', "np.dtype('f8', metadata={'a': 1})"),
    ('dtype metadata M8', "np.dtype('M8[s]', metadata={'k': 'v'})"),
    ('dtype metadata struct', "np.dtype([('x', '<i4')], metadata={'k': ['v', 2]})"),
]


def main():
    out = []
    if sys.argv[1] == 'make':
        for name, expr, *typestrs in CASES:
            obj = eval(expr)
            for protocol in (0, 1, 2, 'fast'):
                p = py2_dumps(obj, 2 if protocol == 'fast' else protocol, *typestrs, fast=protocol == 'fast')
                row = [name, str(protocol), p.hex()]
                for encoding in ('bytes', 'latin1', 'ASCII'):
                    try:
                        row.append(desc(pickle.loads(p, encoding=encoding)))
                    except (UnicodeDecodeError, ValueError):
                        row.append('-')
                out.append('\t'.join(row))
    else:
        for line in sys.stdin.read().split('\n'):
            out.append('-' if line == '-' else desc(pickle.loads(bytes.fromhex(line))))
    sys.stdout.buffer.write('\n'.join(out).encode('utf-8'))


main()
