package io.durapay.worker.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import okhttp3.Dns;
import okhttp3.HttpUrl;

/**
 * Decides whether a merchant's URL may receive webhooks, so that a merchant cannot make our workers
 * call into our own network (server-side request forgery). Only absolute http and https URLs are
 * allowed, and only when every address their host resolves to is public; loopback and private
 * addresses can be allowed by configuration for local and in-VPC receivers. Link-local, cloud
 * metadata (also those in private or public ranges), unspecified and multicast addresses are never
 * allowed. An IPv6 address that embeds an IPv4 one (NAT64, 6to4, IPv4-compatible) is judged as
 * that IPv4 address.
 *
 * <p>As an OkHttp {@link Dns} it applies the same rule at connect time, to the very addresses the
 * connection will use, so a name that changes its answer between {@link #check} and the connection
 * (DNS rebinding) is still refused.
 */
public final class WebhookDestinationGuard implements Dns {

  private final Set<AddressKind> allowed;
  private final Dns resolver;

  public WebhookDestinationGuard(boolean allowLoopback, boolean allowPrivate) {
    this(allowLoopback, allowPrivate, Dns.SYSTEM);
  }

  // Tests pass their own resolver to play DNS rebinding without a DNS server.
  WebhookDestinationGuard(boolean allowLoopback, boolean allowPrivate, Dns resolver) {
    Set<AddressKind> kinds = EnumSet.of(AddressKind.PUBLIC);
    if (allowLoopback) {
      kinds.add(AddressKind.LOOPBACK);
    }
    if (allowPrivate) {
      kinds.add(AddressKind.PRIVATE);
      kinds.add(AddressKind.CARRIER_GRADE_NAT);
    }
    this.allowed = Set.copyOf(kinds);
    this.resolver = resolver;
  }

  /**
   * Refuses {@code url} unless it is an absolute http or https URL whose host resolves only to
   * allowed addresses. A host that does not resolve at all is not refused: nothing can connect to
   * it, a DNS failure may be temporary, and the connect-time lookup checks it again.
   *
   * @throws WebhookDestinationRefusedException with the reason
   */
  public void check(String url) {
    HttpUrl parsed = url == null ? null : HttpUrl.parse(url);
    if (parsed == null) {
      throw new WebhookDestinationRefusedException(
          "webhook URL must be an absolute http or https URL with a host");
    }
    List<InetAddress> addresses;
    try {
      addresses = resolver.lookup(parsed.host());
    } catch (UnknownHostException e) {
      return;
    }
    requireAllowed(parsed.host(), addresses);
  }

  /**
   * Resolves {@code hostname} for a connection, refusing it if any address is not allowed. The
   * refusal is an {@link UnknownHostException} (all that {@link Dns} may throw) whose cause is the
   * {@link WebhookDestinationRefusedException}.
   */
  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    List<InetAddress> addresses = resolver.lookup(hostname);
    try {
      requireAllowed(hostname, addresses);
    } catch (WebhookDestinationRefusedException refused) {
      UnknownHostException unusable = new UnknownHostException(refused.getMessage());
      unusable.initCause(refused);
      throw unusable;
    }
    return addresses;
  }

  // Every address must be allowed, not just one: OkHttp may try any of them, and a name that
  // mixes public and internal addresses is how rebinding attacks get through.
  private void requireAllowed(String host, List<InetAddress> addresses) {
    for (InetAddress address : addresses) {
      AddressKind kind = AddressKind.of(address);
      if (!allowed.contains(kind)) {
        throw new WebhookDestinationRefusedException(
            "webhook host "
                + host
                + " resolves to "
                + address.getHostAddress()
                + ", which is not allowed ("
                + kind.label()
                + " address)");
      }
    }
  }
}
