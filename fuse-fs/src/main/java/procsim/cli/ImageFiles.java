package procsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import procsim.restorer.Image;
import procsim.restorer.ImageException;
import procsim.restorer.ImageJson;

/** What checkpoint, restore and image share: the mount check and reading an image from a file or stdin. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** Null if {@code m} is a procsim mount, else the line that says it is not. */
    static String notAMount(Path m) {
        Path probe = m.resolve("1/task/1/next_syscall_data");
        return Files.isRegularFile(probe) ? null : m + " is not a procsim mount (no " + probe + ")";
    }

    /** The image in {@code file}, or on stdin when {@code file} is null or {@code -}. */
    static Image read(Path file) throws ImageException, IOException {
        if (file == null || file.toString().equals("-")) return ImageJson.read(System.in);
        try (InputStream in = Files.newInputStream(file)) {
            return ImageJson.read(in);
        } catch (NoSuchFileException e) {
            throw new ImageException("cannot read " + file + ": no such file");
        }
    }
}
