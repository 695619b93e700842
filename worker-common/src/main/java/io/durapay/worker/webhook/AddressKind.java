package io.durapay.worker.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** What part of the network an address belongs to, as far as sending webhooks is concerned. */
enum AddressKind {
  PUBLIC("public"),
  /** A cloud provider's instance metadata or control endpoint: never a merchant's. */
  CLOUD_METADATA("cloud metadata"),
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

  /**
   * Metadata endpoints outside the link-local range, which the other kinds would call private or
   * even public: AWS's IPv6 instance metadata (fd00:ec2::254, in fc00::/7), Alibaba Cloud's
   * (100.100.100.200, in carrier-grade NAT space) and Azure's wire server (168.63.129.16, public).
   */
  private static final java.util.Set<String> METADATA = java.util.Set.of(
      "fd00:ec2:0:0:0:0:0:254", "100.100.100.200", "168.63.129.16");

  static AddressKind of(InetAddress address) {
    InetAddress ip = embeddedIpv4(unmapped(address));
    if (METADATA.contains(ip.getHostAddress())) {
      return CLOUD_METADATA;
    }
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

  /**
   * An IPv6 address that carries an IPv4 one and reaches it through a translator or tunnel, judged
   * as that IPv4 address: NAT64's well-known prefix 64:ff9b::/96 (the last four bytes), 6to4's
   * 2002::/16 (bytes 2 to 5), and the deprecated IPv4-compatible ::a.b.c.d. Otherwise {@code ip}
   * as it is.
   */
  private static InetAddress embeddedIpv4(InetAddress ip) {
    byte[] b = ip.getAddress();
    if (b.length != 16) {
      return ip;
    }
    byte[] v4 = null;
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && allZero(b, 4, 12)) {
      v4 = Arrays.copyOfRange(b, 12, 16);
    } else if (b[0] == 0x20 && b[1] == 0x02) {
      v4 = Arrays.copyOfRange(b, 2, 6);
    } else if (allZero(b, 0, 12) && !allZero(b, 12, 15)) {
      v4 = Arrays.copyOfRange(b, 12, 16); // not :: or ::1, which are judged as IPv6
    }
    if (v4 == null) {
      return ip;
    }
    try {
      return InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
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
