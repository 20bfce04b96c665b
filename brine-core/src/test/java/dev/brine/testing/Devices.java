package dev.brine.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A character device for tests that save into one (as {@code convert x /dev/null} does), made without skipping the
 * test where the user is not root.
 */
public final class Devices {
    private static final Path DEV_NULL = Path.of("/dev/null");

    private Devices() {
    }

    /**
     * Makes {@code path} a character device with /dev/null's numbers when mknod is allowed (root; the real /dev is
     * never touched), else a symbolic link to /dev/null itself, which a process without root could not replace even
     * if a save tried to. Returns how the tests' folder listings show it: {@code "NAME char device 1,3"} or
     * {@code "NAME link -> /dev/null"}.
     */
    public static String nullDevice(Path path) throws IOException {
        Python.Result made = Python.run(
                "import os, stat, sys; os.mknod(sys.argv[1], stat.S_IFCHR | 0o666, os.makedev(1, 3))", new byte[0],
                path.toString());
        if (made.exitCode == 0) {
            return path.getFileName() + " char device 1,3";
        }
        Files.createSymbolicLink(path, DEV_NULL);
        return path.getFileName() + " link -> " + DEV_NULL;
    }

    /** /dev/null is still a device (not a file a save put in its place). */
    public static void assertDevNullIsADevice() throws IOException {
        BasicFileAttributes a = Files.readAttributes(DEV_NULL, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(a.isOther(), "/dev/null is no longer a device");
    }
}
