package dev.brine.py;

import java.util.Set;

/**
 * What the names of Python's {@code builtins} module are, so that a pickled reference to one prints as CPython prints
 * it: {@code <built-in function len>}, {@code <class 'int'>}. Brine cannot tell a function from a class by its
 * name alone anywhere else; this module's names are fixed (CPython 3.11's, aliases such as {@code IOError} left out,
 * since they print as another name). A name not here prints as {@code module.name}.
 */
final class BuiltinNames {
    /** The builtin functions ({@code isinstance(v, types.BuiltinFunctionType)}). */
    private static final Set<String> FUNCTIONS = Set.of(
            "__build_class__", "__import__", "abs", "aiter", "all", "anext", "any", "ascii", "bin", "breakpoint",
            "callable", "chr", "compile", "delattr", "dir", "divmod", "eval", "exec", "format", "getattr", "globals",
            "hasattr", "hash", "hex", "id", "input", "isinstance", "issubclass", "iter", "len", "locals", "max",
            "min", "next", "oct", "open", "ord", "pow", "print", "repr", "round", "setattr", "sorted", "sum", "vars");

    /** The builtin classes, each printed under its own name. */
    private static final Set<String> CLASSES = Set.of(
            "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup",
            "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError",
            "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
            "DeprecationWarning", "EOFError", "EncodingWarning", "Exception", "ExceptionGroup", "FileExistsError",
            "FileNotFoundError", "FloatingPointError", "FutureWarning", "GeneratorExit", "ImportError",
            "ImportWarning", "IndentationError", "IndexError", "InterruptedError", "IsADirectoryError", "KeyError",
            "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError", "NameError",
            "NotADirectoryError", "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning",
            "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError", "ResourceWarning",
            "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration", "SyntaxError", "SyntaxWarning",
            "SystemError", "SystemExit", "TabError", "TimeoutError", "TypeError", "UnboundLocalError",
            "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError", "UnicodeTranslateError", "UnicodeWarning",
            "UserWarning", "ValueError", "Warning", "ZeroDivisionError", "bool", "bytearray", "bytes", "classmethod",
            "complex", "dict", "enumerate", "filter", "float", "frozenset", "int", "list", "map", "memoryview",
            "object", "property", "range", "reversed", "set", "slice", "staticmethod", "str", "super", "tuple",
            "type", "zip");

    private BuiltinNames() {
    }

    /** Whether {@code builtins.<name>} is a builtin function. */
    static boolean isFunction(String name) {
        return name != null && FUNCTIONS.contains(name);
    }

    /** Whether {@code builtins.<name>} is a class printed under that name. */
    static boolean isClass(String name) {
        return name != null && CLASSES.contains(name);
    }
}
