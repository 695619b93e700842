package io.durapay.worker.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** What part of the network an address belongs to, as far as sending webhooks is concerned. */
enum AddressKind {
  PUBLIC("public"),
  LOOPBACK("loopback"),
  PRIVATE("private"),
  CARRIER_GRADE_NAT("carrier-grade NAT"),
  LINK_LOCAL("link-local"),
  UNSPECIFIED("unspecified"),
  MULTICAST("multicast");

  private final String label;

  AddressKind(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  static AddressKind of(InetAddress address) {
    InetAddress ip = unmapped(address);
    byte[] bytes = ip.getAddress();
    // 0.0.0.0/8 as a destination means "this host" on Linux, like the any-local 0.0.0.0 itself.
    if (ip.isAnyLocalAddress() || (ip instanceof Inet4Address && bytes[0] == 0)) {
      return UNSPECIFIED;
    }
    if (ip.isLoopbackAddress()) {
      return LOOPBACK;
    }
    if (ip.isLinkLocalAddress()) {
      return LINK_LOCAL;
    }
    if (ip.isMulticastAddress()) {
      return MULTICAST;
    }
    if (ip.isSiteLocalAddress() || isUniqueLocal(ip)) {
      return PRIVATE;
    }
    if (ip instanceof Inet4Address && bytes[0] == 100 && (bytes[1] & 0xc0) == 64) {
      return CARRIER_GRADE_NAT;
    }
    return PUBLIC;
  }

  // fc00::/7, IPv6's counterpart of the RFC 1918 ranges.
  private static boolean isUniqueLocal(InetAddress ip) {
    return ip instanceof Inet6Address && (ip.getAddress()[0] & 0xfe) == 0xfc;
  }

  // A resolver may answer ::ffff:127.0.0.1 as an IPv6 address, whose own predicates all say
  // false; a dual-stack socket still connects it to 127.0.0.1, so it is judged as the IPv4 one.
  private static InetAddress unmapped(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != 16 || bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return address;
      }
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }
}
