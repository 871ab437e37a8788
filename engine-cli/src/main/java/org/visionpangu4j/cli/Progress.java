package org.visionpangu4j.cli;

import org.visionpangu4j.ProgressListener;

import java.io.PrintWriter;

/** Progress lines on stderr, only when stderr is a terminal (so pipes and logs stay clean). */
final class Progress {
    private Progress() {
    }

    static boolean interactive() {
        return System.console() != null && Boolean.parseBoolean(System.getProperty("visionpangu.progress", "true"));
    }

    static ProgressListener to(PrintWriter err) {
        if (!interactive()) {
            return ProgressListener.NONE;
        }
        return message -> {
            err.println("visionpangu: " + message);
            err.flush();
        };
    }
}
