package io.durapay.worker.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import okhttp3.Dns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookDestinationGuardTest {

  private final WebhookDestinationGuard byDefault = new WebhookDestinationGuard(false, false);

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http://127.0.0.1/x                        | loopback",
        "http://localhost/x                        | loopback",
        "http://[::1]/x                            | loopback",
        "http://127.1/x                            | loopback",
        "http://2130706433/x                       | loopback",
        "http://[::ffff:127.0.0.1]/x               | loopback",
        "http://10.0.0.5/x                         | private",
        "http://172.16.3.4/x                       | private",
        "http://192.168.1.1/x                      | private",
        "http://[fd00::1]/x                        | private",
        "http://169.254.169.254/latest/meta-data   | link-local",
        "http://[fe80::1]/x                        | link-local",
        "http://0.0.0.0/                           | unspecified",
        "http://[::]/                              | unspecified",
        "http://224.0.0.1/                         | multicast",
        "http://100.64.0.1/                        | carrier-grade NAT",
        "http://[64:ff9b::7f00:1]/x                | loopback",
        "http://[64:ff9b::a00:5]/x                 | private",
        "http://[64:ff9b::a9fe:a9fe]/x             | link-local",
        "http://[2002:7f00:1::]/x                  | loopback",
        "http://[2002:c0a8:101::1]/x               | private",
        "http://[::7f00:1]/x                       | loopback",
        "http://[fd00:ec2::254]/latest/meta-data   | cloud metadata",
        "http://100.100.100.200/latest/meta-data   | cloud metadata",
        "http://168.63.129.16/machine              | cloud metadata",
        "ftp://example.com/                        | absolute http or https URL",
        "file:///etc/passwd                        | absolute http or https URL",
        "javascript:alert(1)                       | absolute http or https URL",
        "/hooks/payments                           | absolute http or https URL",
        "http://                                   | absolute http or https URL"
      })
  void refusedByDefault(String url, String reason) {
    assertThatThrownBy(() -> byDefault.check(url))
        .isInstanceOf(WebhookDestinationRefusedException.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://93.184.215.14/hook",
        "https://93.184.215.14:8443/hooks/payments?merchant=m_1",
        "https://8.8.8.8/",
        "http://[2606:4700:4700::1111]/hook"
      })
  void publicAddressesAreAllowed(String url) {
    assertThatCode(() -> byDefault.check(url)).doesNotThrowAnyException();
  }

  /**
   * Issue 20, item 9: with private destinations allowed (an in-VPC receiver), the metadata
   * endpoints that sit in private or carrier-grade NAT space stay refused, and an IPv6 form of a
   * private IPv4 address is judged as that address. Before the fix fd00:ec2::254 and
   * 100.100.100.200 were allowed there, and the NAT64 / 6to4 forms counted as public even by
   * default (the tests failed on it).
   */
  @Test
  void metadataIsNeverAllowedAndEmbeddedIpv4IsJudgedAsIpv4() {
    WebhookDestinationGuard inVpc = new WebhookDestinationGuard(true, true);

    assertThatThrownBy(() -> inVpc.check("http://[fd00:ec2::254]/")).hasMessageContaining("cloud metadata");
    assertThatThrownBy(() -> inVpc.check("http://100.100.100.200/")).hasMessageContaining("cloud metadata");
    assertThatCode(() -> inVpc.check("http://[64:ff9b::a00:5]/x")).doesNotThrowAnyException();
    assertThatCode(() -> byDefault.check("http://[64:ff9b::808:808]/x")).as("8.8.8.8 through NAT64")
        .doesNotThrowAnyException();
    assertThatCode(() -> byDefault.check("http://[2002:808:808::1]/x")).doesNotThrowAnyException();
  }

  @Test
  void loopbackIsAllowedOnlyWhenConfigured() {
    WebhookDestinationGuard guard = new WebhookDestinationGuard(true, false);

    assertThatCode(() -> guard.check("http://127.0.0.1:8080/x")).doesNotThrowAnyException();
    assertThatCode(() -> guard.check("http://localhost/x")).doesNotThrowAnyException();
    assertThatCode(() -> guard.check("http://[::1]/x")).doesNotThrowAnyException();
    assertThatThrownBy(() -> guard.check("http://10.0.0.5/x")).hasMessageContaining("private");
    assertThatThrownBy(() -> guard.check("http://169.254.169.254/")).hasMessageContaining("link");
  }

  @Test
  void privateIsAllowedOnlyWhenConfigured() {
    WebhookDestinationGuard guard = new WebhookDestinationGuard(false, true);

    assertThatCode(() -> guard.check("http://10.0.0.5/x")).doesNotThrowAnyException();
    assertThatCode(() -> guard.check("http://192.168.1.1/x")).doesNotThrowAnyException();
    assertThatCode(() -> guard.check("http://[fd00::1]/x")).doesNotThrowAnyException();
    assertThatCode(() -> guard.check("http://100.64.0.1/x")).doesNotThrowAnyException();
    assertThatThrownBy(() -> guard.check("http://127.0.0.1/x")).hasMessageContaining("loopback");
    assertThatThrownBy(() -> guard.check("http://169.254.169.254/")).hasMessageContaining("link");
    assertThatThrownBy(() -> guard.check("http://0.0.0.0/")).hasMessageContaining("unspecified");
  }

  @Test
  void judgesTheAddressesANameResolvesTo() throws Exception {
    WebhookDestinationGuard guard =
        guardResolving(Map.of("hooks.merchant.test", List.of(ip("10.1.2.3"))));

    assertThatThrownBy(() -> guard.check("https://hooks.merchant.test/webhooks"))
        .isInstanceOf(WebhookDestinationRefusedException.class)
        .hasMessage(
            "webhook host hooks.merchant.test resolves to 10.1.2.3, which is not allowed"
                + " (private address)");
  }

  @Test
  void oneInternalAddressAmongPublicOnesIsEnough() throws Exception {
    WebhookDestinationGuard guard =
        guardResolving(Map.of("mixed.test", List.of(ip("93.184.215.14"), ip("169.254.169.254"))));

    assertThatThrownBy(() -> guard.check("https://mixed.test/"))
        .hasMessageContaining("169.254.169.254");
  }

  @Test
  void ipv4MappedIpv6AnswerIsJudgedAsIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    InetAddress answer = Inet6Address.getByAddress("mapped.test", mapped, -1);
    assertThat(answer).isInstanceOf(Inet6Address.class);
    WebhookDestinationGuard guard = guardResolving(Map.of("mapped.test", List.of(answer)));

    assertThatThrownBy(() -> guard.check("https://mapped.test/")).hasMessageContaining("loopback");
  }

  @Test
  void hostThatDoesNotResolveIsNotRefusedButCannotBeConnectedTo() {
    WebhookDestinationGuard guard = guardResolving(Map.of());

    assertThatCode(() -> guard.check("https://gone.test/")).doesNotThrowAnyException();
    assertThatThrownBy(() -> guard.lookup("gone.test"))
        .isInstanceOf(UnknownHostException.class)
        .hasNoCause();
  }

  @Test
  void asDnsRefusesBlockedAddressesWithTheReasonAsCause() {
    assertThatThrownBy(() -> byDefault.lookup("localhost"))
        .isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("loopback")
        .hasCauseInstanceOf(WebhookDestinationRefusedException.class);
  }

  @Test
  void asDnsReturnsAllowedAddresses() throws Exception {
    List<InetAddress> addresses = new WebhookDestinationGuard(true, false).lookup("localhost");

    assertThat(addresses).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
  }

  @Test
  void hexadecimalLoopbackCanNeverBeConnectedTo() {
    // Depending on the platform resolver this name is either 127.0.0.1 (refused) or no address.
    assertThatThrownBy(() -> byDefault.lookup("0x7f000001"))
        .isInstanceOf(UnknownHostException.class);
  }

  private static WebhookDestinationGuard guardResolving(Map<String, List<InetAddress>> names) {
    Dns resolver =
        hostname -> {
          List<InetAddress> addresses = names.get(hostname);
          if (addresses == null) {
            throw new UnknownHostException(hostname);
          }
          return addresses;
        };
    return new WebhookDestinationGuard(false, false, resolver);
  }

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }
}
