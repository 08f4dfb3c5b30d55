package dev.hubbub.web;

import io.netty.util.NetUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code X-Forwarded-For}, {@code -Proto} and {@code -Host}, honoured only from the reverse proxies named in
 * {@code http.trustedProxies} (addresses or CIDR blocks). The first route of the router rewrites them before
 * anyone reads the request: from a trusted proxy each becomes one clean value (the client is the right-most
 * address of the chain that is not itself a trusted proxy, so a client cannot prepend a fake one), the
 * {@code Host} header becomes the forwarded host; from anyone else every forwarding header is removed. vertx-web's
 * {@link AllowForwardHeaders#X_FORWARD} then makes {@code remoteAddress()}, {@code isSSL()}, {@code scheme()}
 * and {@code authority()} of the request (and of a WebSocket upgraded from it) those of the client, so the
 * per-address limits, the {@code Secure} cookie, the Origin check and the logs see the real client.
 */
public final class TrustedProxies {

  static final List<String> FORWARDING = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto",
      "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Ssl", "X-Forwarded-Prefix");

  /** An address block: the bytes of its address and how many leading bits must match. */
  private record Block(byte[] address, int bits) {

    boolean contains(byte[] candidate) {
      if (candidate == null || candidate.length != address.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (candidate[i] != address[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      return rest == 0 || ((candidate[full] ^ address[full]) & (0xff << (8 - rest))) == 0;
    }
  }

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = blocks;
  }

  /** From {@code http.trustedProxies}: comma-separated IP addresses or CIDR blocks; empty trusts nobody. */
  public static TrustedProxies from(JsonObject config) {
    String value = config.getJsonObject("http", new JsonObject()).getString("trustedProxies", "");
    return of(value);
  }

  static TrustedProxies of(String list) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : list.split(",")) {
      String item = entry.strip();
      if (item.isEmpty()) {
        continue;
      }
      int slash = item.indexOf('/');
      byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? item : item.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("config http.trustedProxies: '" + item + "' is not an IP address or CIDR block");
      }
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(item.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException("config http.trustedProxies: '" + item + "' has a bad prefix length");
        }
      }
      blocks.add(new Block(address, bits));
    }
    return new TrustedProxies(List.copyOf(blocks));
  }

  /** Mounts the rewrite as the first route; call before any other route reads the request. */
  public void mount(Router router) {
    router.allowForward(AllowForwardHeaders.X_FORWARD);
    router.route().handler(this::rewrite);
  }

  /** True when {@code host} (an IP literal) is a trusted proxy. */
  boolean trusted(String host) {
    if (blocks.isEmpty() || host == null) {
      return false;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(strip(host));
    if (bytes != null && bytes.length == 16 && isMappedV4(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  private void rewrite(RoutingContext ctx) {
    SocketAddress peer = ctx.request().connection() == null ? null : ctx.request().connection().remoteAddress();
    normalize(ctx.request().headers(), peer == null ? null : peer.hostAddress());
    ctx.next();
  }

  /** Rewrites {@code headers} for a request whose TCP peer is {@code peer}. */
  void normalize(MultiMap headers, String peer) {
    if (!trusted(peer)) {
      FORWARDING.forEach(headers::remove);
      return;
    }
    String client = client(headers.getAll("X-Forwarded-For"));
    String proto = last(headers.getAll("X-Forwarded-Proto"));
    String host = last(headers.getAll("X-Forwarded-Host"));
    FORWARDING.forEach(headers::remove);
    if (client != null) {
      // vertx-web reads host[:port]; an IPv6 literal goes in brackets so its last group is not taken for a port.
      headers.set("X-Forwarded-For", client.indexOf(':') >= 0 ? "[" + client + "]" : client);
    }
    if (proto != null && (proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
      headers.set("X-Forwarded-Proto", proto.toLowerCase(Locale.ROOT));
    }
    if (host != null && host.length() <= 255 && host.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '@')) {
      headers.set("X-Forwarded-Host", host);
      headers.set("Host", host);
    }
  }

  /** The right-most address of the chain that is not a trusted proxy; null when the chain holds no address. */
  String client(List<String> values) {
    List<String> hops = new ArrayList<>();
    values.forEach(v -> Arrays.stream(v.split(",")).map(TrustedProxies::strip).filter(s -> !s.isEmpty()).forEach(hops::add));
    String leftmost = null;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (NetUtil.createByteArrayFromIpAddressString(hop) == null) {
        return leftmost; // garbage (or "unknown"): nothing left of it can be believed
      }
      leftmost = hop;
      if (!trusted(hop)) {
        return hop;
      }
    }
    return leftmost;
  }

  private static String last(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    String[] parts = values.get(values.size() - 1).split(",");
    String value = parts[parts.length - 1].strip();
    return value.isEmpty() ? null : value;
  }

  /** An address as proxies write it: {@code [v6]:port}, {@code v4:port} or bare. */
  private static String strip(String hop) {
    String value = hop.strip();
    if (value.startsWith("[")) {
      int end = value.indexOf(']');
      return end > 0 ? value.substring(1, end) : value;
    }
    int colon = value.indexOf(':');
    if (colon > 0 && value.indexOf(':', colon + 1) < 0) {
      return value.substring(0, colon); // v4:port
    }
    return value;
  }

  private static boolean isMappedV4(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }
}
