package dev.hubbub.limits;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The abuse limits of the {@code limits} block (the frame and queue sizes there are read by
 * {@link dev.hubbub.config.HubConfig.Limits}). Every limit is listed with its answer in the README's "Limits".
 *
 * @param messagesPerSecond         frames (WebSocket, bridges) one connection may send per second, sustained
 * @param messageBurst              how many it may send at once above that rate
 * @param identityMessagesPerSecond messages (any transport, REST included) one identity may send per second
 * @param identityMessageBurst      how many it may send at once above that rate
 * @param refusalsBeforeClose       consecutive rate refusals after which a connection is closed (1008)
 * @param maxConnections            open WebSocket, SSE, SockJS and TCP connections in total
 * @param maxConnectionsPerAddress  of those, from one client address
 * @param exemptAddresses           addresses the per-address cap does not apply to (a local proxy, the benchmark)
 * @param httpIdleTimeoutSeconds    an HTTP connection (request, WebSocket, stream) with no traffic either way is closed
 * @param joinTimeoutSeconds        a WebSocket that has neither joined nor authenticated by then is closed (1008)
 * @param tcpFirstFrameSeconds      a TCP bridge connection that has sent no frame by then is closed
 * @param wsPingSeconds             how often the hub pings an open WebSocket, so a quiet member is not idle
 * @param roomHeads                 room heads the sequencer keeps in memory; others are read from the store again
 * @param roomsPerMinute            rooms one identity may create (write the first message of) per minute, sustained
 * @param roomBurst                 how many it may create at once above that rate
 * @param roomsPerMinutePerAddress  rooms all identities from one client address may create per minute, sustained
 * @param roomBurstPerAddress       how many they may create at once above that rate
 * @param maxSocketsPerAddress      TCP connections to the HTTP port one client address may hold, requests or not
 */
public record LimitSettings(double messagesPerSecond, int messageBurst, double identityMessagesPerSecond,
                            int identityMessageBurst, int refusalsBeforeClose, int maxConnections,
                            int maxConnectionsPerAddress, Set<String> exemptAddresses, int httpIdleTimeoutSeconds,
                            int joinTimeoutSeconds, int tcpFirstFrameSeconds, int wsPingSeconds, int roomHeads,
                            int roomsPerMinute, int roomBurst, int roomsPerMinutePerAddress, int roomBurstPerAddress,
                            int maxSocketsPerAddress) {

  public static LimitSettings from(JsonObject config) {
    JsonObject limits = config.getJsonObject("limits", new JsonObject());
    return new LimitSettings(
        positiveNumber(limits, "messagesPerSecond", 100),
        positive(limits, "messageBurst", 3_000),
        positiveNumber(limits, "identityMessagesPerSecond", 200),
        positive(limits, "identityMessageBurst", 5_000),
        positive(limits, "refusalsBeforeClose", 50),
        positive(limits, "maxConnections", 50_000),
        positive(limits, "maxConnectionsPerAddress", 1_000),
        Arrays.stream(limits.getString("exemptAddresses", "127.0.0.1,::1,0:0:0:0:0:0:0:1").split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()),
        positive(limits, "httpIdleTimeoutSeconds", 120),
        positive(limits, "joinTimeoutSeconds", 30),
        positive(limits, "tcpFirstFrameSeconds", 30),
        positive(limits, "wsPingSeconds", 45),
        positive(limits, "roomHeads", 10_000),
        positive(limits, "roomsPerMinute", 120),
        positive(limits, "roomBurst", 600),
        positive(limits, "roomsPerMinutePerAddress", 600),
        positive(limits, "roomBurstPerAddress", 3_000),
        positive(limits, "maxSocketsPerAddress", 2_000));
  }

  private static int positive(JsonObject node, String key, int fallback) {
    Integer value = node.getInteger(key, fallback);
    if (value == null || value <= 0) {
      throw new IllegalArgumentException("config limits." + key + " must be a positive number, got " + value);
    }
    return value;
  }

  private static double positiveNumber(JsonObject node, String key, double fallback) {
    Number value = node.getNumber(key, fallback);
    if (value == null || value.doubleValue() <= 0) {
      throw new IllegalArgumentException("config limits." + key + " must be a positive number, got " + value);
    }
    return value.doubleValue();
  }
}
