package org.inlier.runtime.bus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The lock a runtime holds on a run's folder from acceptance to the end of the run, so that
 * another process (a second CLI, a shell) can tell a run that is alive elsewhere from one whose
 * process died, and two runtimes never execute the same run. The operating system drops the
 * lock when its process ends, however it ends.
 *
 * <p>Closing any channel to a locked file releases every lock the process holds on it (POSIX
 * record locks), so this process's own locks are also kept in a set, consulted first, and every
 * opening and closing of a lock file here is serialised.
 */
final class RunLock implements AutoCloseable {

    private static final String FILE = ".lock";
    private static final Set<Path> HELD_HERE = new HashSet<>();

    private final Path dir;
    private final FileChannel channel;

    private RunLock(Path dir, FileChannel channel) {
        this.dir = dir;
        this.channel = channel;
    }

    /** Takes the run's lock, or returns empty if a live runtime (this one or another process) holds it. */
    static synchronized Optional<RunLock> tryAcquire(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        if (HELD_HERE.contains(key)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                channel.close();
                return Optional.empty();
            }
            HELD_HERE.add(key);
            return Optional.of(new RunLock(key, channel));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock run folder " + dir, e);
        }
    }

    /** Whether a live runtime, in this process or another, holds the run's lock. */
    static synchronized boolean isHeld(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        if (HELD_HERE.contains(key)) {
            return true;
        }
        if (!Files.exists(key.resolve(FILE))) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(key.resolve(FILE), StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the lock of run folder " + dir, e);
        }
    }

    @Override
    public void close() {
        synchronized (RunLock.class) {
            HELD_HERE.remove(dir);
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release the lock of run folder " + dir, e);
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                // Already failing with the cause that matters.
            }
        }
    }
}
