package org.inlier.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TCP event-bus bridge: loopback by default, a token on every frame, Inlier's client addresses only. */
class RemoteAccessTest {

    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;

    /** A bridge client speaking the frame protocol: a 4-byte big-endian length, then JSON. */
    private static final class Client implements AutoCloseable {

        private final Socket socket;
        private final DataOutputStream out;
        private final DataInputStream in;

        Client(int port) throws IOException {
            socket = new Socket(RemoteAccess.LOOPBACK, port);
            socket.setSoTimeout(60_000);
            out = new DataOutputStream(socket.getOutputStream());
            in = new DataInputStream(socket.getInputStream());
        }

        void send(JsonObject frame) throws IOException {
            byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
        }

        JsonObject receive() throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static JsonObject frame(String type, String address, String token) {
        JsonObject frame = new JsonObject().put("type", type).put("address", address).put("body", new JsonObject());
        if (token != null) {
            frame.put("headers", new JsonObject().put(RemoteAccess.TOKEN_HEADER, token));
        }
        return frame;
    }

    @Test
    void byDefaultTheBridgeListensOnLoopbackWithARandomToken() {
        RemoteAccess access = RemoteAccess.loopback(7000);

        assertThat(access.host()).isEqualTo("127.0.0.1");
        assertThat(access.token()).hasSize(64).isNotEqualTo(RemoteAccess.loopback(7000).token());
        assertThat(access.toString()).doesNotContain(access.token());
        assertThatThrownBy(() -> new RemoteAccess("127.0.0.1", 7000, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClientWithTheTokenAsksTheRuntimeAndFollowsARunsEvents() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            int port = runs.runtime().openRemoteAccess(new RemoteAccess(RemoteAccess.LOOPBACK, 0, TOKEN));
            try (Client client = new Client(port)) {
                client.send(frame("send", Addresses.PLUGINS_LIST, TOKEN).put("replyAddress", "listing"));
                JsonObject listing = client.receive();
                assertThat(listing.getString("address")).isEqualTo("listing");
                assertThat(listing.getJsonObject("body").getJsonArray("plugins").encode()).contains("decoder-clm");

                client.send(frame("register", Addresses.runEvents("remote"), TOKEN));
                client.send(frame("send", Addresses.PIPELINE_RUN, TOKEN).put("replyAddress", "queued")
                        .put("body", runs.training(2, 10).put("runId", "remote")));
                JsonObject finished = null;
                for (int i = 0; i < 100 && finished == null; i++) {
                    JsonObject received = client.receive();
                    if (received.getJsonObject("body", new JsonObject()).getString("type", "").equals("run.finished")) {
                        finished = received.getJsonObject("body");
                    }
                }
                assertThat(finished).isNotNull();
                assertThat(finished.getJsonObject("data").getString("status")).isEqualTo("done");
            }
        }
    }

    @Test
    void framesWithoutTheTokenOrWithAWrongOneAreRefusedAndTheConnectionClosed() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            int port = runs.runtime().openRemoteAccess(new RemoteAccess(RemoteAccess.LOOPBACK, 0, TOKEN));
            for (String token : new String[] {null, "wrong", TOKEN + "x"}) {
                try (Client client = new Client(port)) {
                    client.send(frame("send", Addresses.PLUGINS_LIST, token).put("replyAddress", "listing"));
                    JsonObject refusal = client.receive();
                    assertThat(refusal.getString("type")).as("token %s", token).isEqualTo("err");
                    // At most the bridge's own refusal follows; then the connection is closed.
                    assertThatThrownBy(() -> {
                        for (int i = 0; i < 2; i++) {
                            assertThat(client.receive().getString("type")).isEqualTo("err");
                        }
                    }).as("token %s", token).isInstanceOf(EOFException.class);
                }
            }
        }
    }

    @Test
    void onlyInliersClientAddressesPass() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            int port = runs.runtime().openRemoteAccess(new RemoteAccess(RemoteAccess.LOOPBACK, 0, TOKEN));
            try (Client client = new Client(port)) {
                for (String address : new String[] {Addresses.stage("train"), "vertx.internal", "inlier.runs.statusx"}) {
                    client.send(frame("send", address, TOKEN).put("replyAddress", "r"));
                    JsonObject refusal = client.receive();
                    assertThat(refusal.getString("type")).as(address).isEqualTo("err");
                    assertThat(refusal.getString("message")).as(address).isEqualTo("access_denied");
                }
                client.send(frame("register", Addresses.PLUGINS_LIST, TOKEN));
                assertThat(client.receive().getString("message")).isEqualTo("access_denied");

                client.send(frame("send", Addresses.RUNS_STATUS, TOKEN).put("replyAddress", "status"));
                assertThat(client.receive().getJsonObject("body").getJsonArray("runs")).isEmpty();
            }
        }
    }
}
