# The test suite's Python launcher (see dev.brine.testing.Python): imports numpy, torch and safetensors
# once, then runs each script it is sent in a forked child, as `python3 -c SCRIPT ARGS...` would run it.
# A fresh interpreter pays ~2 s to import torch; a fork of this one starts with it imported.
#
# Protocol, on fds 0 and 1 (read and written unbuffered, so a child inherits no half-read request):
#   request:  netstrings "<len>:<bytes>": the script, the argument count, each argument, and the paths the
#             child takes as its stdin, stdout and stderr
#   replies:  "<child pid>\n" when forked, then "<exit code>\n" when it has ended (a signal N gives 128 + N,
#             as a JVM reports it)
# The server exits at end of input (the JVM has gone).

# What python3 -c puts in a fresh __main__ (__builtins__, __loader__, __annotations__, ...), before anything else.
MAIN_START = {name: value for name, value in globals().items() if name.startswith('__')}

import atexit
import gc
import os
import sys
import types

for _module in ('numpy', 'torch', 'safetensors', 'safetensors.torch'):
    try:
        __import__(_module)
    except Exception:  # a module that is missing stays missing for the scripts too
        pass


gc.freeze()  # the server's objects stay out of its children's collections


def read_exactly(n):
    chunks = []
    while n > 0:
        chunk = os.read(0, n)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)


def read_field():
    digits = b''
    while True:
        c = os.read(0, 1)
        if not c:
            raise EOFError
        if c == b':':
            return read_exactly(int(digits))
        digits += c


def decode(b):
    return b.decode('utf-8', 'surrogateescape')  # as python3 decodes its command line


def run_child(script, args, stdin, stdout, stderr):
    """In the forked child: runs as `python3 -c script args` with the given standard streams; never returns."""
    for fd, path, flags in ((0, stdin, os.O_RDONLY), (1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                            (2, stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
        opened = os.open(path, flags, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    main = types.ModuleType('__main__')  # a fresh __main__: classes a script defines pickle by reference
    main.__dict__.update(MAIN_START)
    sys.modules['__main__'] = main
    sys.argv = ['-c'] + args
    try:
        exec(compile(script, '<string>', 'exec'), main.__dict__)
        code = 0
    except SystemExit as e:
        code = exit_code(e.code)
    except BaseException:
        kind, value, trace = sys.exc_info()
        value.__traceback__ = trace.tb_next  # from the script's frame on, as python3 -c shows it
        sys.excepthook(kind, value, trace.tb_next)
        code = 1
    exit_child(main, code)


def exit_child(main, code):
    """Ends the child as python3 ends, without the full interpreter teardown (which takes ~0.5 s with torch loaded):
    atexit functions run, what the script left open (a file in a global) is finalized, so flushed and closed, and a
    failure to flush stdout gives 120."""
    try:
        atexit._run_exitfuncs()
        main.__dict__.clear()
        gc.collect()  # only what the script made: the server froze its own objects before forking
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                code = code or 120
        os._exit(code)


def exit_code(value):
    """The exit code of SystemExit(value), as python3 reports it (a message goes to stderr)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xff
    print(value, file=sys.stderr)
    return 1


def serve():
    while True:
        try:
            script = decode(read_field())
            args = [decode(read_field()) for _ in range(int(read_field()))]
            stdin, stdout, stderr = (read_field() for _ in range(3))
        except EOFError:
            return
        pid = os.fork()
        if pid == 0:
            run_child(script, args, stdin, stdout, stderr)
        os.write(1, b'%d\n' % pid)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        os.write(1, b'%d\n' % (code if code >= 0 else 128 - code))


serve()
