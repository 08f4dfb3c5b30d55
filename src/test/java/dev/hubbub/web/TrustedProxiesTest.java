package dev.hubbub.web;

import dev.hubbub.support.Await;
import dev.hubbub.support.Accounts;
import dev.hubbub.support.TestHub;
import dev.hubbub.support.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code X-Forwarded-*} count only from {@code http.trustedProxies}: the test client on 127.0.0.1 plays the
 * proxy. From a trusted proxy the per-address cap counts the forwarded client, the login cookie is
 * {@code Secure} behind TLS and the Origin check uses the public scheme and host; from anyone else the
 * headers change nothing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TrustedProxiesTest {

  private static final long WAIT_SECONDS = 60;

  private static TestHub hub(Vertx vertx, String trusted) throws Exception {
    return await(TestHub.start(vertx, new JsonObject()
        .put("http", new JsonObject().put("trustedProxies", trusted))
        .put("limits", new JsonObject().put("maxConnectionsPerAddress", 1).put("exemptAddresses", ""))));
  }

  private static MultiMap from(String client) {
    return MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", client);
  }

  @Test
  void theAddressCapCountsTheForwardedClientOfATrustedProxy(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, "127.0.0.1");
    await(WsTestClient.connect(vertx, hub.port, from("203.0.113.7")));
    // A client that prepends a fake address is still itself: the proxy appended the real one.
    Throwable refused = Await.failure(WsTestClient.connect(vertx, hub.port, from("198.51.100.1, 203.0.113.7")), WAIT_SECONDS);
    assertInstanceOf(UpgradeRejectedException.class, refused);
    assertEquals(429, ((UpgradeRejectedException) refused).getStatus());
    // Another client behind the same proxy has its own place; so does one forwarded in IPv6.
    await(WsTestClient.connect(vertx, hub.port, from("203.0.113.8")));
    await(WsTestClient.connect(vertx, hub.port, from("2001:db8::1")));
    // The same cap holds for SSE streams.
    HttpResponse<Buffer> sse = await(WebClient.create(vertx).get(hub.port, "127.0.0.1", "/rooms/proxied/events?format=json")
        .putHeader("Accept", "text/event-stream").putHeader("X-Forwarded-For", "203.0.113.7").timeout(10_000).send()
        .recover(e -> Future.failedFuture(new AssertionError("no answer", e))));
    assertEquals(429, sse.statusCode());
  }

  @Test
  void forwardedHeadersFromAnUntrustedPeerChangeNothing(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, "10.0.0.0/8");
    await(WsTestClient.connect(vertx, hub.port, from("203.0.113.7")));
    // Both are 127.0.0.1, whatever they claim.
    Throwable refused = Await.failure(WsTestClient.connect(vertx, hub.port, from("203.0.113.8")), WAIT_SECONDS);
    assertEquals(429, ((UpgradeRejectedException) refused).getStatus());

    HttpResponse<Buffer> registered = await(WebClient.create(vertx).post(hub.port, "127.0.0.1", "/api/register")
        .putHeader("X-Forwarded-Proto", "https")
        .sendJsonObject(new JsonObject().put("username", "plain").put("password", Accounts.PASSWORD)));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    assertFalse(loginCookie(registered).contains("Secure"), loginCookie(registered));
  }

  @Test
  void behindATlsProxyTheCookieIsSecureAndTheOriginIsThePublicOne(Vertx vertx) throws Exception {
    TestHub hub = hub(vertx, "127.0.0.0/8,::1");
    HttpResponse<Buffer> registered = await(WebClient.create(vertx).post(hub.port, "127.0.0.1", "/api/register")
        .putHeader("X-Forwarded-For", "203.0.113.9").putHeader("X-Forwarded-Proto", "https")
        .putHeader("X-Forwarded-Host", "chat.example.com")
        .sendJsonObject(new JsonObject().put("username", "tls").put("password", Accounts.PASSWORD)));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    String cookie = loginCookie(registered);
    assertTrue(cookie.contains("Secure"), cookie);

    String login = Accounts.LOGIN_COOKIE + "=" + registered.bodyAsJsonObject().getString("token");
    MultiMap proxied = MultiMap.caseInsensitiveMultiMap().add("Cookie", login).add("Origin", "https://chat.example.com")
        .add("X-Forwarded-For", "203.0.113.10").add("X-Forwarded-Proto", "https").add("X-Forwarded-Host", "chat.example.com");
    WsTestClient ws = await(WsTestClient.connect(vertx, hub.port, proxied));
    assertEquals("tls", await(ws.expect("authenticated")).getString("username"));

    // The same page origin without the proxy's word is foreign to a plain-http hub on 127.0.0.1.
    MultiMap direct = MultiMap.caseInsensitiveMultiMap().add("Cookie", login).add("Origin", "https://chat.example.com")
        .add("X-Forwarded-For", "203.0.113.11");
    Throwable refused = Await.failure(WsTestClient.connect(vertx, hub.port, direct), WAIT_SECONDS);
    assertEquals(403, ((UpgradeRejectedException) refused).getStatus());
  }

  @Test
  void theClientIsTheRightMostAddressThatIsNotATrustedProxy() {
    TrustedProxies proxies = TrustedProxies.of("10.0.0.0/8, 192.168.1.1, ::1");
    assertEquals("203.0.113.5", proxies.client(List.of("198.51.100.1, 203.0.113.5, 10.1.2.3")));
    assertEquals("203.0.113.5", proxies.client(List.of("198.51.100.1", "203.0.113.5:4711, 192.168.1.1")));
    assertEquals("2001:db8::1", proxies.client(List.of("[2001:db8::1]:80, ::1")));
    assertEquals("10.0.0.2", proxies.client(List.of("10.0.0.2, 10.0.0.1")), "all proxies: the left-most");
    assertEquals("203.0.113.5", proxies.client(List.of("garbage, 203.0.113.5")));
    assertNull(proxies.client(List.of("unknown")));
    assertTrue(proxies.trusted("::ffff:10.9.9.9"));
    assertFalse(proxies.trusted("11.0.0.1"));
    assertFalse(TrustedProxies.of("").trusted("127.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of("proxy.example.com"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of("10.0.0.0/33"));

    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Host", "10.0.0.5:8080")
        .add("X-Forwarded-For", "203.0.113.5").add("X-Forwarded-Proto", "https").add("X-Forwarded-Host", "chat.example.com")
        .add("X-Forwarded-Port", "1").add("Forwarded", "for=6.6.6.6");
    proxies.normalize(headers, "11.0.0.1");
    assertEquals(List.of("Host"), List.copyOf(headers.names()), "an untrusted peer's forwarding headers are dropped");
    headers.add("X-Forwarded-For", "203.0.113.5").add("X-Forwarded-Proto", "ftp, https").add("X-Forwarded-Host", "chat.example.com");
    proxies.normalize(headers, "10.0.0.9");
    assertEquals("203.0.113.5", headers.get("X-Forwarded-For"));
    assertEquals("https", headers.get("X-Forwarded-Proto"));
    assertEquals("chat.example.com", headers.get("Host"));
  }

  private static String loginCookie(HttpResponse<Buffer> response) {
    return response.cookies().stream().filter(c -> c.startsWith(Accounts.LOGIN_COOKIE + "=")).findFirst()
        .orElseThrow(() -> new AssertionError("no login cookie: " + response.cookies()));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
