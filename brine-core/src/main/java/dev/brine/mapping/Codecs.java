package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.PythonRepr;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code _codecs.encode(str, encoding='utf-8', errors='strict')} for the three codecs pickles use
 * (latin-1 for bytes below protocol 3, utf-8 and ascii), and for cp1252 and utf-16 (with the BOM
 * CPython writes on a little-endian machine, and the -le and -be forms without one), which the JDK's
 * charsets encode as CPython's codecs do; with CPython's argument checks, codec name lookup (case,
 * punctuation and aliases such as {@code latin} or {@code L1}) and error handlers. Any other codec is
 * refused, naming it: Brine never looks a codec up by a name read from a file.
 */
final class Codecs {
    private static final int ASCII_MAX = 0x7f;
    private static final int LATIN_1_MAX = 0xff;
    private static final int UTF_8_MAX = -1; // every code point but lone surrogates

    /** Python's {@code encodings.aliases} entries for the three codecs, plus their module names. */
    private static final Map<String, Integer> CODECS = new HashMap<>();

    static {
        for (String n : new String[] {"latin_1", "8859", "cp819", "csisolatin1", "ibm819", "iso8859", "iso8859_1",
            "iso_8859_1", "iso_8859_1_1987", "iso_ir_100", "l1", "latin", "latin1"}) {
            CODECS.put(n, LATIN_1_MAX);
        }
        for (String n : new String[] {"utf_8", "cp65001", "u8", "utf", "utf8", "utf8_ucs2", "utf8_ucs4"}) {
            CODECS.put(n, UTF_8_MAX);
        }
        for (String n : new String[] {"ascii", "646", "ansi_x3.4_1968", "ansi_x3.4_1986", "ansi_x3_4_1968", "cp367",
            "csascii", "ibm367", "iso646_us", "iso_646.irv_1991", "iso_ir_6", "us", "us_ascii"}) {
            CODECS.put(n, ASCII_MAX);
        }
    }

    /** The codecs encoded through a JDK charset, by their normalized names and aliases. */
    private enum CharsetCodec {
        CP1252(Charset.forName("windows-1252"), new byte[0], "cp1252", "1252", "windows_1252"),
        UTF_16(StandardCharsets.UTF_16LE, new byte[] {(byte) 0xff, (byte) 0xfe}, "utf_16", "u16", "utf16"),
        UTF_16_LE(StandardCharsets.UTF_16LE, new byte[0], "utf_16_le", "utf_16le", "unicodelittleunmarked"),
        UTF_16_BE(StandardCharsets.UTF_16BE, new byte[0], "utf_16_be", "utf_16be", "unicodebigunmarked");

        final Charset charset;
        private final byte[] bom;
        final java.util.List<String> names;

        CharsetCodec(Charset charset, byte[] bom, String... names) {
            this.charset = charset;
            this.bom = bom;
            this.names = java.util.List.of(names);
        }

        boolean utf16() {
            return this != CP1252;
        }

        byte[] bom() {
            return bom.clone();
        }

        static CharsetCodec named(String normalized) {
            for (CharsetCodec c : values()) {
                if (c.names.contains(normalized)) {
                    return c;
                }
            }
            return null;
        }
    }

    private Codecs() {
    }

    /** {@code _codecs.encode(*args)}; {@code what} names the caller in messages ("bytes", "_codecs.encode"). */
    static byte[] encode(dev.brine.py.Tuple a, String what) throws BrineException {
        if (a.size() < 1 || a.size() > 3) {
            throw new BrineException(what + "() takes 1 to 3 arguments, got " + PythonRepr.brief(a));
        }
        if (!(a.get(0) instanceof String)) {
            throw new BrineException(what + "(): the text to encode must be a str, not " + PythonRepr.brief(a.get(0)));
        }
        String encoding = a.size() > 1 ? stringArg(a.get(1), "encoding", what) : "utf-8";
        String errors = a.size() > 2 ? stringArg(a.get(2), "errors", what) : "strict";
        Integer max = CODECS.get(normalize(encoding));
        if (max == null) {
            CharsetCodec codec = CharsetCodec.named(normalize(encoding));
            if (codec != null) {
                return encodeWith(codec, (String) a.get(0), encoding, errors);
            }
            throw new BrineException(what + "(): the codec '" + encoding + "' is not one Brine runs (it encodes with"
                    + " latin-1, utf-8, ascii, cp1252 and utf-16 only; nothing named in a file is looked up)");
        }
        return encode((String) a.get(0), max, encoding, errors);
    }

    private static String stringArg(Object v, String name, String what) throws BrineException {
        if (!(v instanceof String)) {
            // CPython: TypeError "encode() argument 'errors' must be str, not int"
            throw new BrineException(what + "() argument '" + name + "' must be str, not " + PythonRepr.brief(v));
        }
        return (String) v;
    }

    /**
     * The name CPython's codec registry looks up: lower case with spaces as underscores
     * ({@code _PyCodec_Lookup}), then {@code encodings.normalize_encoding}, which turns each run of
     * characters other than letters, digits and '.' into one '_' (none at the start) and drops
     * non-ASCII letters and digits.
     */
    static String normalize(String encoding) {
        String lower = encoding.toLowerCase(Locale.ROOT).replace(' ', '_');
        StringBuilder out = new StringBuilder();
        boolean punct = false;
        for (int i = 0; i < lower.length(); ) {
            int c = lower.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLetterOrDigit(c) || c == '.') {
                if (punct && out.length() > 0) {
                    out.append('_');
                }
                if (c < 0x80) {
                    out.append((char) c);
                }
                punct = false;
            } else {
                punct = true;
            }
        }
        return out.toString();
    }

    /** Encodes {@code text}; {@code max} is the highest encodable code point, or UTF_8_MAX. */
    private static byte[] encode(String text, int max, String encoding, String errors) throws BrineException {
        // the common case, every character encodable, without a copy per character
        if (max == UTF_8_MAX ? !hasLoneSurrogate(text) : maxChar(text) <= max) {
            return text.getBytes(max == UTF_8_MAX ? StandardCharsets.UTF_8
                    : max == LATIN_1_MAX ? StandardCharsets.ISO_8859_1 : StandardCharsets.US_ASCII);
        }
        return encodeWithErrors(text, max, encoding, errors);
    }

    private static int maxChar(String s) {
        int max = 0;
        for (int i = 0; i < s.length(); i++) {
            max = Math.max(max, s.charAt(i));
        }
        return max;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Code point by code point, through the error handler for each one the codec cannot encode. */
    private static byte[] encodeWithErrors(String text, int max, String encoding, String errors) throws BrineException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean surrogate = cp >= 0xd800 && cp <= 0xdfff; // a lone one: a pair is one code point here
            if (max == UTF_8_MAX ? !surrogate : cp <= max) {
                byte[] b = max == UTF_8_MAX ? new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)
                        : new byte[] {(byte) cp};
                out.writeBytes(b);
            } else {
                out.writeBytes(onError(cp, max, surrogate, encoding, errors));
            }
        }
        return out.toByteArray();
    }

    /**
     * {@code text} in a charset codec, code point by code point: what the charset cannot encode (a lone
     * surrogate; for cp1252 anything outside its 251 characters) goes through the error handler, whose
     * text replacement is encoded in the codec too. utf-16's surrogatepass writes the lone surrogate as
     * its code unit; surrogateescape's single byte is refused by CPython's utf-16 encoder (an odd count).
     */
    private static byte[] encodeWith(CharsetCodec codec, String text, String encoding, String errors) throws BrineException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 * text.length() + 2);
        out.writeBytes(codec.bom());
        CharsetEncoder encoder = codec.charset.newEncoder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String one = new String(Character.toChars(cp));
            i += one.length();
            boolean surrogate = cp >= 0xd800 && cp <= 0xdfff;
            if (!surrogate && encoder.canEncode(one)) {
                out.writeBytes(one.getBytes(codec.charset));
            } else if (codec.utf16() && surrogate && "surrogatepass".equals(errors)) {
                out.writeBytes(codeUnit(cp, codec == CharsetCodec.UTF_16_BE));
            } else if (codec.utf16() && "surrogateescape".equals(errors) && cp >= 0xdc80 && cp <= 0xdcff) {
                throw new BrineException("_codecs.encode: '" + encoding + "' codec can't encode character U+"
                        + Integer.toHexString(cp).toUpperCase(Locale.ROOT) + ": surrogates not allowed");
            } else {
                byte[] replacement = onError(cp, codec.utf16() ? UTF_8_MAX : LATIN_1_MAX, surrogate && codec.utf16(),
                        encoding, errors);
                // the handlers' text is ASCII; surrogateescape's byte (cp1252) is written as it is
                out.writeBytes(codec.utf16() ? new String(replacement, StandardCharsets.ISO_8859_1).getBytes(codec.charset)
                        : replacement);
            }
        }
        return out.toByteArray();
    }

    private static byte[] codeUnit(int unit, boolean bigEndian) {
        return bigEndian ? new byte[] {(byte) (unit >> 8), (byte) unit} : new byte[] {(byte) unit, (byte) (unit >> 8)};
    }

    /** What CPython's error handler {@code errors} writes for an unencodable code point. */
    private static byte[] onError(int cp, int max, boolean surrogate, String encoding, String errors)
            throws BrineException {
        switch (errors) {
            case "strict":
                break;
            case "ignore":
                return new byte[0];
            case "replace":
                return new byte[] {'?'};
            case "backslashreplace":
                String hex = cp < 0x100 ? String.format("\\x%02x", cp)
                        : cp < 0x10000 ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp);
                return hex.getBytes(StandardCharsets.US_ASCII);
            case "xmlcharrefreplace":
                return ("&#" + cp + ";").getBytes(StandardCharsets.US_ASCII);
            case "surrogatepass":
                if (max == UTF_8_MAX && surrogate) {
                    // the three bytes UTF-8 would give the code point if it were allowed
                    return new byte[] {(byte) (0xe0 | cp >> 12), (byte) (0x80 | (cp >> 6 & 0x3f)), (byte) (0x80 | (cp & 0x3f))};
                }
                break;
            case "surrogateescape":
                if (cp >= 0xdc80 && cp <= 0xdcff) {
                    return new byte[] {(byte) (cp - 0xdc00)};
                }
                break;
            default:
                // CPython looks the handler up only now, and fails on a name it does not know
                throw new BrineException("_codecs.encode: error handler '" + errors + "' is not supported");
        }
        throw new BrineException("_codecs.encode: '" + encoding + "' codec can't encode character U+"
                + Integer.toHexString(cp).toUpperCase(Locale.ROOT));
    }
}
