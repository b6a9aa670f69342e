package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inlier.shell.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlier serve}: a runtime in a process of its own that a client drives through the TCP event-bus bridge. */
class RemoteServeTest {

    private static final Pattern LISTENING = Pattern.compile("listens for remote clients on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aClientWithTheTokenFromTheRunStoreListsThePluginsAndOneWithoutIsHungUpOn() throws Exception {
        Path out = dir.resolve("serve.out");
        ProcessBuilder serve = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), Cli.class.getName(), "serve", "--port", "0",
                "--runs", dir.resolve("runs").toString(), "--plugins", dir.resolve("no-plugins").toString(),
                "--cache", dir.resolve("cache").toString()))
                .redirectOutput(out.toFile()).redirectError(dir.resolve("serve.err").toFile());
        serve.environment().remove("INLIER_REMOTE_TOKEN");
        Process server = serve.start();
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> LISTENING.matcher(Files.readString(out)).find());
            Matcher listening = LISTENING.matcher(Files.readString(out));
            assertThat(listening.find()).isTrue();
            int port = Integer.parseInt(listening.group(1));
            Path tokenFile = dir.resolve("runs").resolve("remote.token");
            assertThat(Files.getPosixFilePermissions(tokenFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String token = Files.readString(tokenFile);

            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(60_000);
                send(socket, new JsonObject().put("type", "send").put("address", "inlier.plugins.list").put("replyAddress", "r")
                        .put("headers", new JsonObject().put("token", token)).put("body", new JsonObject()));
                assertThat(receive(socket).getJsonObject("body").getJsonArray("plugins").encode()).contains("decoder-clm", "bert-onnx");
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(60_000);
                send(socket, new JsonObject().put("type", "send").put("address", "inlier.plugins.list").put("replyAddress", "r")
                        .put("body", new JsonObject()));
                assertThat(receive(socket).getString("message")).startsWith("access_denied");
                assertThat(drainsToEnd(socket)).isTrue();
            }
        } finally {
            server.destroy();
            assertThat(server.waitFor(2, TimeUnit.MINUTES)).as("serve stops at SIGTERM").isTrue();
        }
    }

    private static void send(Socket socket, JsonObject frame) throws IOException {
        byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static JsonObject receive(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }

    /** Whether the server closes the connection after at most a few more frames. */
    private static boolean drainsToEnd(Socket socket) throws IOException {
        try {
            for (int i = 0; i < 3; i++) {
                receive(socket);
            }
            return false;
        } catch (EOFException closed) {
            return true;
        }
    }
}
