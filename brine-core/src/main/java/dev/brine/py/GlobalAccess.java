package dev.brine.py;

/**
 * Lets the pickle reader keep, with the {@link Global} that {@code getattr(parent, 'name')} names, the
 * very objects the pickle gave as getattr's arguments, and the writer write them back: each is then
 * written once and referred to by the memo exactly where the pickle did. Not part of the public API.
 */
public final class GlobalAccess {
    private GlobalAccess() {
    }

    /**
     * The global {@code outer.parent.attribute} of {@link Global.Form#NAME}, read from
     * {@code getattr(parent, attribute)}; {@code outer} names {@code parent}, which is kept when not null.
     */
    public static Global ofAttribute(Global outer, Object parent, String attribute) {
        return new Global(outer.module(), outer.name() + "." + attribute, Global.Form.NAME, parent, attribute);
    }

    /** {@code g} of {@code form}, keeping getattr's arguments that {@code read} holds, if any. */
    public static Global withArgumentsOf(Global g, Global read, Global.Form form) {
        return new Global(g.module(), g.name(), form, read.parentAsRead(), read.attributeAsRead());
    }

    /** getattr's object as read, or {@code null} when the global was not read from getattr. */
    public static Object parent(Global g) {
        return g.parentAsRead();
    }

    /** getattr's name as read, or {@code null} when the global was not read from getattr. */
    public static String attribute(Global g) {
        return g.attributeAsRead();
    }
}
