# helpers to hand-craft pickles holding numpy object arrays (HostileObjectArraysCliTest)
import struct, numpy as np, io, zipfile
def u(s): b=s.encode(); return b'X'+struct.pack('<I',len(b))+b
def put(i): return b'r'+struct.pack('<I',i)
def get(i): return b'j'+struct.pack('<I',i)
def bint(n): return b'J'+struct.pack('<i',n)
POP=b'0'; MARK=b'('; TUPLE=b't'; BUILD=b'b'; REDUCE=b'R'; NONE=b'N'; APPEND=b'a'; EL=b']'; STOP=b'.'
# memo 0: _reconstruct, 1: args tuple, 2: dtype O, 3: shape(1,)
def prelude(proto=3):
    p = b'\x80'+bytes([proto])
    p += b'cnumpy.core.multiarray\n_reconstruct\n'+put(0)+POP
    p += b'cnumpy\nndarray\n' + bint(0) + b'\x85' + b'C\x01b' + b'\x87' + put(1) + POP
    p += b'cnumpy\ndtype\n' + u('O8') + b'\x89\x88\x87' + REDUCE + MARK + bint(3) + u('|') + NONE*3 + bint(-1)+bint(-1)+bint(63) + TUPLE + BUILD + put(2) + POP
    p += bint(1) + b'\x85' + put(3) + POP
    return p
def shape_tuple(shape):
    return MARK + b''.join(bint(d) for d in shape) + TUPLE
def objarray(items_code, shape_code=None):
    """code pushing an object array whose state list is made by items_code (pushes items after EMPTY_LIST, uses APPENDS)"""
    return get(0) + get(1) + REDUCE + MARK + bint(1) + (shape_code if shape_code is not None else get(3)) + get(2) + b'\x89' + EL + items_code + TUPLE + BUILD
def npy_header(shape, fortran=False):
    d = "{'descr': '|O', 'fortran_order': %s, 'shape': %s, }" % (fortran, tuple(shape))
    total = 10 + len(d) + 1
    pad = (64 - total % 64) % 64
    h = d + ' '*pad + '\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode()
def write_npy(path, shape, pickle_bytes):
    open(path,'wb').write(npy_header(shape)+pickle_bytes)
def write_npz(path, members):
    with zipfile.ZipFile(path,'w') as z:
        for name,data in members.items(): z.writestr(name, data)
