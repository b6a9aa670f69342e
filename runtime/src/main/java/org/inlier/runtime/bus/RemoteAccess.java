package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Remote access to a running runtime through the Vert.x TCP event-bus bridge (frames of a 4-byte
 * big-endian length and a JSON object: {@code {type: send|publish|register|unregister|ping,
 * address, replyAddress, headers, body}}).
 *
 * <p>Three locks: the bridge listens on the loopback interface unless told otherwise; every frame a
 * client sends must carry the access token in {@code headers.token} (a frame without it, or with a
 * wrong one, is refused and the connection closed); and only Inlier's client addresses pass — the
 * requests of {@link #INBOUND} and, outbound, the events of runs ({@code inlier.run.<id>.events}).
 * The stage addresses, which act on the executing run, are not offered.
 *
 * @param host  the interface to listen on
 * @param port  the TCP port; 0 picks a free one
 * @param token the secret every frame must carry
 */
public record RemoteAccess(String host, int port, String token) {

    /** The interface the bridge listens on unless told otherwise. */
    public static final String LOOPBACK = "127.0.0.1";
    /** The frame header that carries the token. */
    public static final String TOKEN_HEADER = "token";
    /** The addresses remote clients may send to. */
    public static final List<String> INBOUND = List.of(Addresses.PIPELINE_VALIDATE, Addresses.PIPELINE_RUN,
            Addresses.RUNS_STATUS, Addresses.RUNS_CANCEL, Addresses.PLUGINS_LIST);
    /** The addresses remote clients may receive from: every run's events. */
    public static final String OUTBOUND_REGEX = "inlier\\.run\\.[^.]+\\.events";

    /** Frames that act on the bus, and so need the token. */
    private static final Set<BridgeEventType> GUARDED = Set.of(BridgeEventType.SEND, BridgeEventType.PUBLISH,
            BridgeEventType.REGISTER, BridgeEventType.UNREGISTER, BridgeEventType.SOCKET_PING);

    public RemoteAccess {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in [0, 65535]");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("remote access needs a non-empty token");
        }
    }

    /** Access on the loopback interface with a fresh random token. */
    public static RemoteAccess loopback(int port) {
        return new RemoteAccess(LOOPBACK, port, newToken());
    }

    /** 32 random bytes in hex. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The token is a secret: it is not printed with the rest. */
    @Override
    public String toString() {
        return "RemoteAccess[" + host + ":" + port + "]";
    }

    /**
     * Starts the bridge on a runtime's Vert.x.
     *
     * @return the bridge with the port it listens on (the chosen one when {@code port} was 0)
     */
    Future<Bridge> open(Vertx vertx) {
        BridgeOptions permitted = new BridgeOptions().setOutboundPermitteds(List.of(new PermittedOptions().setAddressRegex(OUTBOUND_REGEX)));
        INBOUND.forEach(address -> permitted.addInboundPermitted(new PermittedOptions().setAddress(address)));
        NetServerOptions server = new NetServerOptions().setHost(host).setPort(port);
        TcpEventBusBridge bridge = TcpEventBusBridge.create(vertx, permitted, server, this::guard);
        // The bridge does not tell the port it bound; listening through a NetServer of our own would, but
        // would skip the bridge's frame handling. Port 0 is resolved by binding a probe first.
        int chosen = port != 0 ? port : FreePort.on(host);
        return bridge.listen(chosen, host).map(b -> new Bridge(b, chosen));
    }

    private void guard(BridgeEvent event) {
        if (!GUARDED.contains(event.type())) {
            event.complete(true);
            return;
        }
        JsonObject headers = event.getRawMessage() == null ? null : event.getRawMessage().getJsonObject("headers");
        String offered = headers == null ? null : headers.getString(TOKEN_HEADER);
        boolean allowed = offered != null
                && MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
        event.complete(allowed);
        if (!allowed) {
            // Say why, then hang up: a client without the token gets nothing more from this connection.
            byte[] refusal = new JsonObject().put("type", "err")
                    .put("message", "access_denied: every frame needs the access token in headers." + TOKEN_HEADER)
                    .encode().getBytes(StandardCharsets.UTF_8);
            Buffer frame = Buffer.buffer().appendInt(refusal.length).appendBytes(refusal);
            event.socket().write(frame).onComplete(written -> event.socket().close());
        }
    }

    /** A listening bridge. */
    public record Bridge(TcpEventBusBridge bridge, int port) {

        /** Stops listening; open connections are closed. */
        public Future<Void> close() {
            return bridge.close();
        }
    }
}
