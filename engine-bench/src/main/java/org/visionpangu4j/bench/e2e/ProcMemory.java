package org.visionpangu4j.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory of this process from Linux's {@code /proc/self/status}: VmRSS (now) and VmHWM (the peak since
 * start, or since the last reset). Writing "5" to {@code /proc/self/clear_refs} resets VmHWM to the current RSS
 * (Linux ≥ 4.0), which lets each benchmark run report its own peak. Where that fails (another OS, a kernel or
 * sandbox that refuses the write), {@link #peakResettable()} is false and callers report RSS at the end of a run.
 */
public final class ProcMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final boolean resettable;

    private ProcMemory(boolean resettable) {
        this.resettable = resettable;
    }

    /** Probes once whether the peak can be reset: after a reset VmHWM must have come down to about VmRSS. */
    public static ProcMemory probe() {
        if (!Files.isReadable(STATUS)) {
            return new ProcMemory(false);
        }
        boolean ok = writeClearRefs() && field("VmHWM:") <= field("VmRSS:") + (4L << 20);
        return new ProcMemory(ok);
    }

    /** Whether {@link #peakBytes()} is a per-run peak (true) or {@link #residentBytes()} must stand in (false). */
    public boolean peakResettable() {
        return resettable;
    }

    /** Starts a new peak window (no-op where not resettable). */
    public void resetPeak() {
        if (resettable) {
            writeClearRefs();
        }
    }

    /** The measurement a run reports: the peak since {@link #resetPeak()}, else resident memory now. */
    public long runBytes() {
        return resettable ? peakBytes() : residentBytes();
    }

    /** VmHWM in bytes (−1 where /proc is unavailable). */
    public long peakBytes() {
        return field("VmHWM:");
    }

    /** VmRSS in bytes (−1 where /proc is unavailable). */
    public long residentBytes() {
        return field("VmRSS:");
    }

    private static boolean writeClearRefs() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** A "Name:   1234 kB" line of /proc/self/status in bytes, or −1. */
    static long field(String name) {
        try {
            List<String> lines = Files.readAllLines(STATUS);
            for (String line : lines) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or an unexpected format: reported as unknown.
        }
        return -1;
    }
}
