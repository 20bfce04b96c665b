"""Writes the disassembler's differential test corpus into the folder sys.argv[1].

For every case NAME it writes NAME.pkl (the input), NAME.out (what `python3 -m pickletools NAME.pkl`
prints on stdout, UTF-8) and, when pickletools raises, NAME.err (the traceback's last line). The
expected output comes from running pickletools' own __main__ in this process, with runpy, which is
the command line's code path without a process per case; DisassemblerTest also runs the real
command line on part of the corpus to show the two agree.

The corpus: pickle.dumps of varied objects at protocols 0-5, hand-built pickles for the opcodes
Python 3 no longer writes, every truncation of a few pickles, seeded random mutations, and lines
and strings built to hit the decoders' corners. Every one of the 68 opcodes must appear.
"""
import collections
import contextlib
import copyreg
import datetime
import decimal
import fractions
import io
import os
import pickle
import pickletools
import random
import runpy
import struct
import sys

out_dir = sys.argv[1]
cases = []


def add(name, data):
    cases.append((name, bytes(data)))


class Plain:
    def __init__(self, value=None):
        self.value = value


class WithSlots:
    __slots__ = ('a', 'b')

    def __init__(self):
        self.a = 1
        self.b = 'two'


class NewArgs:
    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs

    def __getnewargs_ex__(self):
        return self.args, self.kwargs


class Reduced:
    def __reduce__(self):
        return (Reduced, (), {'state': [1, 2]}, iter([1, 2]), iter([('k', 'v')]))

    def append(self, x):
        pass

    def extend(self, xs):
        pass

    def __setitem__(self, k, v):
        pass


class Ext:
    pass


class Ext2:
    pass


class Ext4:
    pass


copyreg.add_extension(__name__, 'Ext', 7)
copyreg.add_extension(__name__, 'Ext2', 300)
copyreg.add_extension(__name__, 'Ext4', 70000)

recursive_list = []
recursive_list.append(recursive_list)
recursive_dict = {}
recursive_dict['self'] = recursive_dict
shared = [1, 2]
recursive_tuple_list = []
recursive_tuple = (recursive_tuple_list,)
recursive_tuple_list.append(recursive_tuple)

values = {
    'none': None,
    'bools': [True, False],
    'ints': [0, 1, -1, 255, 256, 65535, 65536, 2 ** 31 - 1, -2 ** 31, 2 ** 31, -2 ** 31 - 1, 2 ** 63, -2 ** 70],
    'bigint': 2 ** 1000 + 12345,
    'long4': -(2 ** 2100) + 7,
    'floats': [0.0, -0.0, 1.5, 0.1, 2e23, 1e100, 1e-300, 5e-324, 1.7976931348623157e308, float('nan'),
               float('inf'), float('-inf'), 123456789.125, 1e16, 1e-5],
    'strs': ['', 'abc', "it's", 'say "hi"', 'both \' and "', 'tab\tnl\ncr\rbs\\', '\x00\x01\x1f\x7f',
             '\x80\x85\x9f\xa0\xad\xe9\xff', '\u0100\u0378\u2028\ufeff\uffff', '日本語', '\U0001f600',
             '\U0001fae0', '\u061d', '\ud800', 'a\udfffb', '\ud83d\ude00', '\U000e0001\U0010ffff'],
    'long_str': 'x' * 300 + '\u20ac' * 10,
    'bytes': [b'', b'abc', b"'", b'"', b'\'"', bytes(range(256)), b'\\\t\n\r'],
    'long_bytes': bytes(range(256)) * 2,
    'bytearray': bytearray(b'ab\x00\xff'),
    'containers': [[], (), {}, set(), frozenset(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [[[]]],
                   {'a': {'b': [1, (2,)]}}, {1, 2, 3}, frozenset({'x'})],
    'shared': [shared, shared, (shared,)],
    'recursive': [recursive_list, recursive_dict, recursive_tuple],
    'big_list': list(range(1100)),
    'big_dict': {i: str(i) for i in range(1010)},
    'big_set': set(range(1005)),
    'many_memo': [str(i) for i in range(300)],
    'objects': [Plain(3), WithSlots(), NewArgs(1, x=2), Reduced(), collections.OrderedDict(a=1),
                datetime.datetime(2024, 1, 2, 3, 4, 5, 6), datetime.date(2020, 2, 29),
                datetime.timedelta(days=1, seconds=2), decimal.Decimal('1.25'), fractions.Fraction(1, 3),
                complex(1, -2), collections.Counter('aab'), range(3), slice(1, 2), Ext(), Ext2(), Ext4(),
                type(None), len, Plain],
}



def picklable(value, proto):
    try:
        pickle.dumps(value, proto)
        return True
    except Exception:
        return False


for proto in range(6):
    # some objects need protocol 2 (__slots__ without __getstate__): leave them out below it
    at_proto = dict(values, objects=[o for o in values['objects'] if picklable(o, proto)])
    for key, value in at_proto.items():
        add('p%d_%s' % (proto, key), pickle.dumps(value, proto))
    add('p%d_everything' % proto, pickle.dumps(at_proto, proto))


def persistent(proto, obj):
    f = io.BytesIO()
    p = pickle.Pickler(f, proto)
    p.persistent_id = lambda o: ('pid', o.value) if isinstance(o, Plain) else (str(o) if o == 'persist' else None)
    p.dump(obj)
    return f.getvalue()


for proto in range(6):
    add('p%d_persid' % proto, persistent(proto, [Plain(1), 'persist', 3]))

# protocol 5 out-of-band buffers: NEXT_BUFFER, READONLY_BUFFER
buffers = []
add('p5_buffers', pickle.dumps([pickle.PickleBuffer(b'abc'), pickle.PickleBuffer(bytearray(b'xy'))],
                               5, buffer_callback=buffers.append))
# large payloads: frames end, big bytes and str go outside frames
add('p4_large', pickle.dumps([b'\x01' * 70000, 'y' * 70000, [1] * 5], 4))
add('p2_large', pickle.dumps([b'\x01' * 70000, 'y' * 70000], 2))
add('p0_large', pickle.dumps('z\u1234' * 40000, 0))

# opcodes Python 3 does not write, and hand-made corners
hand = {
    'string': b"S'abc'\np0\nS\"q'uote\"\nS'esc\\n\\t\\x41\\101\\\\\\''\n(S'\nS'a\\\nb'\nt.",
    'string_unknown_escape': b"S'\\q\\8\\N'\n.",
    'string_octal_high': b"S'\\400\\1\\12'\n.",
    'binstring': b'T\x03\x00\x00\x00\xe9\x80\xffU\x02a\'U\x00\x86.',
    'inst': b'(i__main__\nPlain\n(I1\ni__main__\nPlain\n.',
    'obj': b'(c__main__\nPlain\nI5\no.',
    'global_escapes': b'cmod\\x41\nna\\tme\n.',
    'persid': b'Pabc def\n.',
    'binpersid': b'\x80\x02X\x03\x00\x00\x00pidQ.',
    'ext': b'\x80\x02\x82\x07\x83\x2c\x01\x84\x70\x11\x01\x00\x87.',
    'ext4_negative': b'\x84\xff\xff\xff\xff.',
    'dup_pop': b'N2\x86N0.',
    'pop_mark': b'(NNN1N.',
    'pop_takes_mark': b'N(0.',
    'int_bools': b'(I00\nI01\nI0\nI-0\nI+7\nI 12 \nI1_000\nI007\nl.',
    'long_forms': b'(L5L\nL-12345678901234567890L\nL0\nL1_2\nl.',
    'float_forms': b'(F1.5\nF-0.0\nF1e500\nF-inf\nFnan\nF  .5e-3  \nF1_0.2_5\nFInfinity\nF1.\nF2e-400\nl.',
    'unicode_escapes': b'(V\\u0041\\U0001F600\\\\u0041\\x\\\nVa\\\\\\u00e9\nVtrail\\\nV\xe9\xff\nl.',
    'get_put_forms': b'Np01\ng1\np999999999999999999999999\ng999999999999999999999999\n0.',
    'binget_forms': b'N\x94\x94h\x00h\x01j\x01\x00\x00\x00\x86r\x05\x00\x00\x00\x30.',
    'frames': b'\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00N\x950\x95\x01\x00\x00\x00\x00\x00\x00\x00.',
    'frame_huge': b'\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xff\x88.',
    'binunicode8': b'\x80\x04\x8d\x05\x00\x00\x00\x00\x00\x00\x00he\xc3\xa9o\x94.',
    'binbytes8': b'\x80\x04\x8e\x03\x00\x00\x00\x00\x00\x00\x00a"b.',
    'bytearray8': b'\x80\x05\x96\x02\x00\x00\x00\x00\x00\x00\x00\'".',
    # bytearray's repr escapes a single quote even inside double quotes, bytes' repr does not
    'bytearray8_single_quote': b'\x80\x05\x96\x04\x00\x00\x00\x00\x00\x00\x00it\'s.',
    'binbytes8_single_quote': b'\x80\x04\x8e\x04\x00\x00\x00\x00\x00\x00\x00it\'s.',
    'long1_forms': b'(\x8a\x00\x8a\x01\xff\x8a\x02\x00\x80\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f\x8a\x09' + b'\x00' * 8 + b'\x01l.',
    'long4_forms': b'(\x8b\x00\x00\x00\x00\x8b\x03\x00\x00\x00\x01\x02\x03l.',
    'long4_sign_extended': b'\x8b\x10\x27\x00\x00\x05' + b'\xff' * 9999 + b'.',
    'long4_zero_extended': b'\x8b\x10\x27\x00\x00\x05' + b'\x00' * 9999 + b'.',
    'long4_too_many_digits': b'\x8b\x00\x08\x00\x00' + b'\x01' * 2048 + b'.',
    'long4_just_enough': b'\x8b\xbf\x06\x00\x00' + b'\xff' * 1786 + b'\x7f.',
    'long4_just_too_many': b'\x8b\xc0\x06\x00\x00' + b'\x00' * 1784 + b'\x20\x00.',
    'int_4300_digits': b'I' + b'9' * 4300 + b'\n.',
    'int_4301_digits': b'I' + b'9' * 4301 + b'\n.',
    'long_4301_digits_junk': b'L' + b'1' * 4301 + b'x\n.',
    'deep_marks': b'(' * 50 + b'N' + b'l' * 50 + b'.',
    'annotate_wide': b'\x80\x04\x8c\x30' + b'w' * 48 + b'\x94.',
    'markmsg_with_arg': b'(I1\nI2\nt.',
    'dis_mark_lost': b'(\x85l.',
    'dis_dup_mark': b'(2a.',
    'dis_put_mark': b'(p0\n.',
    'dis_memoize_empty': b'\x94.',
    'dis_memo_redefined': b'Np0\np0\n.',
    'dis_memo_redefined_bool': b'Np1\np01\n.',
    'dis_memoize_redefined': b'Np1\n\x94\x94.',
    'dis_get_missing': b'Ng5\n.',
    'dis_binget_missing': b'h\x03.',
    'dis_no_mark': b'Nl.',
    'dis_no_mark_appends': b']Ne.',
    'dis_pop_underflow': b'0.',
    'dis_stop_empty': b'.',
    'dis_stack_left': b'NN]I3\n(.',
    'dis_tuple3_underflow': b'NN\x87.',
    'dis_unknown_opcode': b'N\xff.',
    'dis_unknown_opcode_ascii': b'Nz.',
    'dis_empty': b'',
    'dis_no_stop': b'N',
    'dis_trailing_data': b'N.garbage after the first pickle',
    'err_int_junk': b'I12x\n.',
    'err_int_nul': b'I12\x003\n.',
    'err_int_empty': b'I\n.',
    'err_int_underscores': b'I1__0\n.',
    'err_int_long_junk': b'I' + b'7' * 300 + b'?\n.',
    'err_int_unicode': b'I\xd9\xa3\n.',
    'err_long_empty': b'LL\n.',
    'err_float_junk': b'F1.5.5\n.',
    'err_float_hex': b'F0x1p3\n.',
    'err_float_underscore': b'F1_.5\n.',
    'err_float_exp': b'F1e\n.',
    'err_string_noquotes': b'Sabc\n.',
    'err_string_onequote': b"S'abc\n.",
    'err_string_mismatch': b'S"abc\'\n.',
    'err_string_trailing_backslash': b"S'ab\\'\n.",
    'err_string_bad_x': b"S'a\\x4g'\n.",
    'err_string_short_x': b"S'\\x4'\n.",
    'err_string_nonascii': b"S'caf\xc3\xa9'\n.",
    'err_string_escaped_nonascii': b"S'\\xe9'\n.",
    'err_global_nonascii': b'c\xc3\xa9\nb\n.',
    'err_global_one_line': b'cmodule\n',
    'err_global_trailing_backslash': b'cab\\\nb\n.',
    'err_unicode_truncated_u': b'Vab\\u12\n.',
    'err_unicode_bad_u': b'V\\u12x4\n.',
    'err_unicode_big_U': b'Vab\\U00110000\n.',
    'err_unicode_short_U': b'V\\U0001\n.',
    'err_unicode_nonl': b'Vabc',
    'err_utf8_start': b'X\x02\x00\x00\x00\xff\xfe.',
    'err_utf8_continuation': b'X\x03\x00\x00\x00\xf0\x90A.',
    'err_utf8_end': b'X\x03\x00\x00\x00a\xf0\x90.',
    'err_utf8_half_surrogate': b'X\x02\x00\x00\x00\xed\xa0.',
    'err_utf8_overlong': b'X\x02\x00\x00\x00\xc0\x80.',
    'err_utf8_big': b'X\x04\x00\x00\x00\xf4\x90\x80\x80.',
    'err_string4_negative': b'T\xff\xff\xff\xff.',
    'err_long4_negative': b'\x8b\xfe\xff\xff\xff.',
    'err_bytes8_maxsize': b'\x8e' + b'\xff' * 8 + b'.',
    'err_bytearray8_maxsize': b'\x96' + b'\xff' * 8,
    'err_unicode8_maxsize': b'\x8d' + b'\x00' * 7 + b'\x80',
    'err_bytes8_claims_much': b'\x8e' + b'\xff' * 7 + b'\x7f' + b'.',
    'err_bytes8_overflow': b'\x8e' + struct.pack('<Q', 2 ** 63 - 1 - 32) + b'.',
    'err_unicode8_no_overflow': b'\x8d' + struct.pack('<Q', 2 ** 63 - 1 - 33) + b'.',
    'err_bytes4_claims_much': b'B\xff\xff\xff\xffabc',
    'err_short_binbytes': b'C\x63abc',
    'err_long1_short': b'\x8a\x05ab',
    'err_float8_short': b'G\x00\x01',
    'err_uint2_short': b'M\x01',
}
for name, data in hand.items():
    add('hand_' + name, data)

# every truncation of a few pickles
for proto in (0, 2, 4, 5):
    whole = pickle.dumps([1, 'ab', (None, 2.5), {b'k': [True]}, Plain(2), 300, -5], proto)
    for cut in range(len(whole)):
        add('cut_p%d_%03d' % (proto, cut), whole[:cut])

# seeded random mutations of real pickles
rng = random.Random(20240531)
seeds = [pickle.dumps(values['containers'], p) for p in range(6)]
seeds += [pickle.dumps(values['objects'][4:9], p) for p in range(6)]
seeds += [pickle.dumps(values['strs'], p) for p in range(6)]
seeds += [hand['string'], hand['int_bools'], hand['float_forms'], hand['unicode_escapes'], hand['binstring']]
for n in range(2500):
    data = bytearray(rng.choice(seeds))
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.5 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif r < 0.75:
            data.insert(rng.randrange(len(data) + 1), rng.choice(b'(.0123456789aelpqstu}]N\n\\\'"\x80\x94\xed\xc3'))
        elif data:
            del data[rng.randrange(len(data))]
    add('fuzz_%04d' % n, data)

# decoder corners: random short byte strings as UTF-8, raw-unicode-escape, escaped and numeric lines
alphabet = b'\x00\x41\x7f\x80\xbf\xc2\xdf\xe0\xed\xa0\xef\xf0\x90\xf4\x8f\xf5\xff'
for n in range(600):
    raw = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
    add('utf8_%03d' % n, b'\x8c' + bytes([len(raw)]) + raw + b'.')
line_alphabet = b'\\uU0189aAfFx_ +-.eEinfa\'"\t\xe9'
for n in range(600):
    raw = bytes(rng.choice(line_alphabet) for _ in range(rng.randint(0, 9)))
    op = rng.choice([b'V', b'S', b'I', b'L', b'F', b'c', b'P', b'g'])
    data = op + raw + b'\n'
    if op == b'c':
        data += b'x\n'
    add('line_%03d' % n, data + b'.')

seen = set()
for name, data in cases:
    try:
        for op, arg, pos in pickletools.genops(data):
            seen.add(op.name)
    except Exception:
        pass
missing = sorted(set(op.name for op in pickletools.opcodes) - seen)
assert not missing, 'opcodes never exercised: %s' % missing


def run_cli(argv):
    """python3 -m pickletools ARGV, in this process: (stdout text, traceback's last line or None)."""
    text = io.StringIO()
    saved = sys.argv
    sys.argv = ['pickletools'] + argv
    error = None
    try:
        with contextlib.redirect_stdout(text):
            runpy.run_module('pickletools', run_name='__main__', alter_sys=False)
    except Exception as e:
        error = '%s: %s' % (type(e).__name__, e)
    finally:
        sys.argv = saved
    return text.getvalue(), error


import warnings
warnings.simplefilter('ignore')
for name, data in cases:
    path = os.path.join(out_dir, name + '.pkl')
    with open(path, 'wb') as f:
        f.write(data)
    text, error = run_cli([path])
    if error is not None and error.startswith('MemoryError'):
        # A length field claimed more than this machine can allocate, and CPython's file reader
        # tried to. Brine answers as pickletools does reading from memory (BytesIO), which is
        # deterministic: "expected N bytes ..., but only M remain".
        buf = io.StringIO()
        try:
            pickletools.dis(data, buf)
            error = None
        except Exception as e:
            error = '%s: %s' % (type(e).__name__, e)
        text = buf.getvalue()
    with open(os.path.join(out_dir, name + '.out'), 'wb') as f:
        f.write(text.encode('utf-8', 'surrogatepass'))
    if error is not None:
        with open(os.path.join(out_dir, name + '.err'), 'wb') as f:
            f.write(error.encode('utf-8', 'surrogatepass'))
print(len(cases))
