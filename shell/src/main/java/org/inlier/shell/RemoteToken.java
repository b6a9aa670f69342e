package org.inlier.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.inlier.runtime.bus.RemoteAccess;

/**
 * The token remote clients must send: {@code $INLIER_REMOTE_TOKEN} if set, otherwise a fresh random
 * one written to {@code <runs>/remote.token}, readable by its owner only, for local clients to read.
 *
 * @param token   the secret
 * @param whereTo where a client finds it, in words
 */
record RemoteToken(String token, String whereTo) {

    /** The environment variable that sets the token. */
    static final String ENV = "INLIER_REMOTE_TOKEN";
    /** The file a generated token is written to, in the run store. */
    static final String FILE = "remote.token";

    static RemoteToken resolve(Path runs) {
        String given = System.getenv(ENV);
        if (given != null && !given.isBlank()) {
            return new RemoteToken(given, "$" + ENV);
        }
        String token = RemoteAccess.newToken();
        Path file = runs.resolve(FILE).toAbsolutePath();
        try {
            Files.createDirectories(runs);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the remote access token to " + file, e);
        }
        return new RemoteToken(token, file.toString());
    }
}
