package io.mcpca.app.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An analyzer that really crashes: a wrapper script that passes request lines to the real analyzer and exits
 * (code 1) on a ping with a marked {@code sleepMs}, so that call fails on every delivery (a poison call).
 */
public final class CrashingAnalyzer {

    private CrashingAnalyzer() {
    }

    /** Writes the wrapper into {@code dir}; a ping with {@code sleepMs == poisonSleepMs} kills it. */
    public static Path write(Path dir, int poisonSleepMs) throws IOException {
        Path wrapper = dir.resolve("crashing-analyzer.sh");
        Files.writeString(wrapper, "#!/bin/bash\n"
                + "# passes request lines to the real analyzer; a poison request makes this process die\n"
                + "while IFS= read -r line; do\n"
                + "  case \"$line\" in *'\"sleepMs\":" + poisonSleepMs + "'*) exit 1 ;; esac\n"
                + "  printf '%s\\n' \"$line\"\n"
                + "done | \"" + System.getProperty("mcpca.analyzer.path") + "\" \"$@\"\n"
                + "exit 1\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return wrapper;
    }
}
