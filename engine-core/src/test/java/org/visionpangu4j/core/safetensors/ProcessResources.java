package org.visionpangu4j.core.safetensors;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What this process holds of a file, read from /proc (Linux): the leak checks of the checkpoint tests. */
final class ProcessResources {
    private ProcessResources() {
    }

    /** Open descriptors of this process that point at {@code file}. */
    static int openFds(Path file) throws IOException {
        Path real = file.toRealPath();
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) {
                        n++;
                    }
                } catch (IOException e) {
                    // The descriptor closed while we looked (e.g. the directory stream's own): not ours.
                }
            }
        }
        return n;
    }

    /** Lines of /proc/self/maps that map {@code file}. */
    static long mappings(Path file) throws IOException {
        String real = file.toRealPath().toString();
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        return maps.stream().filter(l -> l.endsWith(real)).count();
    }
}
