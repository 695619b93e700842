package io.durapay.api.payments;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dropwizard.jersey.validation.Validators;
import io.durapay.api.errors.ApiException;
import io.durapay.api.errors.ConstraintViolationMapper;
import io.durapay.api.errors.ErrorType;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@code POST /v1/payments} as the API applies it: {@link PaymentRequestReader}
 * binds the body and the validator Jersey uses checks {@link PaymentRules}; a refusal is the 400
 * the caller reads.
 */
class PaymentRequestContractTest {
  private static final long MAX_AMOUNT = 99_999_999L;

  private static final Validator VALIDATOR = Validators.newConfiguration()
      .constraintValidatorPayload(new PaymentRules.Limits(MAX_AMOUNT))
      .buildValidatorFactory()
      .getValidator();

  @Test
  void readsAFullRequestKeepingTheMetadataOrder() {
    String body =
        json(
            "{'amount': 1999, 'currency': 'usd', 'paymentMethod': 'pm_card_visa', 'description':"
                + " 'Order #42', 'metadata': {'order': '42', 'cart': 'c_7', 'a': ''}}");

    CreatePaymentRequest request = accept(body.getBytes(UTF_8));

    assertThat(request.amountInMinorUnits()).isEqualTo(1999);
    assertThat(request.currency()).isEqualTo("USD");
    assertThat(request.paymentMethod()).isEqualTo("pm_card_visa");
    assertThat(request.description()).isEqualTo("Order #42");
    assertThat(request.metadata())
        .containsExactly(Map.entry("order", "42"), Map.entry("cart", "c_7"), Map.entry("a", ""));
    assertThatThrownBy(() -> request.metadata().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void readsAMinimalRequest() {
    CreatePaymentRequest request = parse(minimal());

    assertThat(request)
        .isEqualTo(new CreatePaymentRequest(BigInteger.valueOf(1999), "EUR", "pm_card_visa", null, Map.of()));
  }

  @Test
  void treatsNullDescriptionAndMetadataAsAbsent() {
    CreatePaymentRequest request = parse(with("description", "null", "metadata", "null"));

    assertThat(request.description()).isNull();
    assertThat(request.metadata()).isEmpty();
  }

  @Test
  void acceptsValuesExactlyAtTheirLimits() {
    String metadata =
        metadataWithKeys(49).replace("}", ", '" + "k".repeat(40) + "': '" + "v".repeat(500) + "'}");

    CreatePaymentRequest request =
        parse(with("amount", String.valueOf(MAX_AMOUNT), "metadata", metadata));

    assertThat(request.amountInMinorUnits()).isEqualTo(MAX_AMOUNT);
    assertThat(request.metadata()).hasSize(50).containsEntry("k".repeat(40), "v".repeat(500));
    assertThat(parse(with("amount", "1")).amountInMinorUnits()).isEqualTo(1);
    assertThat(parse(with("paymentMethod", "'pm_1Mq12345678901x'")).paymentMethod())
        .isEqualTo("pm_1Mq12345678901x");
  }

  @Test
  void acceptsADescriptionOf1000Emoji() {
    String emoji = "\uD83D\uDCB8".repeat(1000); // U+1F4B8, two UTF-16 chars each

    CreatePaymentRequest request = parse(with("description", "'" + emoji + "'"));

    assertThat(request.description()).isEqualTo(emoji).hasSize(2000);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void refusesABadBody(String name, String body, String code, String param) {
    ApiException error = refuse(body.getBytes(UTF_8));

    assertThat(error.status()).isEqualTo(400);
    assertThat(error.type()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.getMessage()).isNotBlank();
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        // The body as a whole
        bad("malformed JSON", "{\"amount\": }", "invalid_json", null),
        bad("truncated JSON", "{\"amount\": 1999, \"currency\": \"EUR\"", "invalid_json", null),
        bad("array at the top", "[1999, \"EUR\"]", "invalid_json", null),
        bad("string at the top", "\"pay me\"", "invalid_json", null),
        bad("null at the top", "null", "invalid_json", null),
        bad("empty body", "", "invalid_json", null),
        bad("only whitespace", " \n ", "invalid_json", null),
        bad("a second value after the object", minimal() + " {}", "invalid_json", null),
        bad("unescaped NUL in a string", with("description", "'a\u0000b'"), "invalid_json", null),
        bad("duplicate key", with("amount", "1, 'amount': 2"), "duplicate_field", "amount"),
        bad(
            "duplicate metadata key",
            with("metadata", "{'k': 'a', 'k': 'b'}"),
            "duplicate_field",
            "metadata[k]"),
        bad("unknown field", with("foo", "1"), "unknown_field", "foo"),
        bad(
            "snake_case field",
            with("payment_method", "'pm_x'"),
            "unknown_field",
            "payment_method"),
        // amount
        bad("amount missing", without("amount"), "missing_field", "amount"),
        bad("amount a float", with("amount", "10.5"), "invalid_type", "amount"),
        bad("amount with exponent", with("amount", "1e3"), "invalid_type", "amount"),
        bad("amount 1e30", with("amount", "1e30"), "invalid_type", "amount"),
        bad("amount a string", with("amount", "'100'"), "invalid_type", "amount"),
        bad("amount a boolean", with("amount", "true"), "invalid_type", "amount"),
        bad("amount null", with("amount", "null"), "invalid_type", "amount"),
        bad("amount negative", with("amount", "-5"), "amount_too_small", "amount"),
        bad("amount zero", with("amount", "0"), "amount_too_small", "amount"),
        bad(
            "amount beyond long",
            with("amount", "99999999999999999999"),
            "amount_too_large",
            "amount"),
        bad(
            "amount below long",
            with("amount", "-99999999999999999999"),
            "amount_too_small",
            "amount"),
        bad("amount over the maximum", with("amount", "100000000"), "amount_too_large", "amount"),
        // currency
        bad("currency missing", without("currency"), "missing_field", "currency"),
        bad("currency unknown", with("currency", "'QQQ'"), "invalid_currency", "currency"),
        bad("currency a 3-letter fake", with("currency", "'ABC'"), "invalid_currency", "currency"),
        bad("currency gold", with("currency", "'XAU'"), "invalid_currency", "currency"),
        bad("currency withdrawn", with("currency", "'DEM'"), "invalid_currency", "currency"),
        bad("currency with a space", with("currency", "' usd'"), "invalid_currency", "currency"),
        bad("currency empty", with("currency", "''"), "invalid_currency", "currency"),
        bad("currency a number", with("currency", "840"), "invalid_type", "currency"),
        bad("currency with NUL", with("currency", "'US\\u0000D'"), "invalid_string", "currency"),
        // paymentMethod
        bad("paymentMethod missing", without("paymentMethod"), "missing_field", "paymentMethod"),
        bad(
            "card number as a token",
            with("paymentMethod", "'pm_4242424242424242'"),
            "card_number_not_allowed",
            "paymentMethod"),
        bad(
            "card number in the description",
            with("description", "'Paid with 4242 4242 4242 4242, thanks'"),
            "card_number_not_allowed",
            "description"),
        bad(
            "card number with its expiry in the description",
            with("description", "'card 4111-1111-1111-1111-12-29'"),
            "card_number_not_allowed",
            "description"),
        bad(
            "card number in a metadata value",
            with("metadata", "{'card': '378282246310005'}"),
            "card_number_not_allowed",
            "metadata[card]"),
        bad(
            "card number as a metadata key, not echoed",
            with("metadata", "{'5555555555554444': 'x'}"),
            "card_number_not_allowed",
            "metadata"),
        bad(
            "card number with spaces",
            with("paymentMethod", "'4242 4242 4242 4242'"),
            "card_number_not_allowed",
            "paymentMethod"),
        bad(
            "card number with dashes",
            with("paymentMethod", "'4242-4242-4242-4242'"),
            "card_number_not_allowed",
            "paymentMethod"),
        bad(
            "card number with underscores",
            with("paymentMethod", "'pm_4242_4242_4242_4242'"),
            "card_number_not_allowed",
            "paymentMethod"),
        bad(
            "twelve digits in a row",
            with("paymentMethod", "'pm_abc123456789012'"),
            "card_number_not_allowed",
            "paymentMethod"),
        bad(
            "token with spaces",
            with("paymentMethod", "'pm_card visa'"),
            "invalid_payment_method",
            "paymentMethod"),
        bad(
            "token without pm_",
            with("paymentMethod", "'card_visa'"),
            "invalid_payment_method",
            "paymentMethod"),
        bad(
            "token only pm_",
            with("paymentMethod", "'pm_'"),
            "invalid_payment_method",
            "paymentMethod"),
        bad(
            "token too long",
            with("paymentMethod", "'pm_" + "a".repeat(101) + "'"),
            "invalid_payment_method",
            "paymentMethod"),
        bad(
            "token with a trailing newline",
            with("paymentMethod", "'pm_card_visa\\n'"),
            "invalid_payment_method",
            "paymentMethod"),
        bad(
            "token a number",
            with("paymentMethod", "4242424242424242"),
            "invalid_type",
            "paymentMethod"),
        // description
        bad(
            "description of 1001 characters",
            with("description", "'" + "d".repeat(1001) + "'"),
            "string_too_long",
            "description"),
        bad("description a number", with("description", "42"), "invalid_type", "description"),
        bad(
            "NUL in description",
            with("description", "'a\\u0000b'"),
            "invalid_string",
            "description"),
        bad(
            "unpaired surrogate in description",
            with("description", "'a\\ud800b'"),
            "invalid_string",
            "description"),
        // metadata
        bad("metadata an array", with("metadata", "['a']"), "invalid_type", "metadata"),
        bad("metadata a string", with("metadata", "'a=b'"), "invalid_type", "metadata"),
        bad(
            "51 metadata keys",
            with("metadata", metadataWithKeys(51)),
            "too_many_metadata_keys",
            "metadata"),
        bad(
            "metadata key of 41 characters",
            with("metadata", "{'" + "k".repeat(41) + "': 'v'}"),
            "metadata_key_too_long",
            "metadata[" + "k".repeat(40) + "…]"),
        bad(
            "empty metadata key",
            with("metadata", "{'': 'v'}"),
            "invalid_metadata_key",
            "metadata[]"),
        bad(
            "metadata value of 501 characters",
            with("metadata", "{'k': '" + "v".repeat(501) + "'}"),
            "metadata_value_too_long",
            "metadata[k]"),
        bad(
            "nested metadata object",
            with("metadata", "{'k': {'a': 'b'}}"),
            "invalid_type",
            "metadata[k]"),
        bad("metadata value a number", with("metadata", "{'k': 1}"), "invalid_type", "metadata[k]"),
        bad("metadata value null", with("metadata", "{'k': null}"), "invalid_type", "metadata[k]"),
        bad(
            "metadata value an array",
            with("metadata", "{'k': ['v']}"),
            "invalid_type",
            "metadata[k]"),
        bad(
            "NUL in metadata value",
            with("metadata", "{'k': 'a\\u0000b'}"),
            "invalid_string",
            "metadata[k]"),
        bad(
            "NUL in metadata key",
            with("metadata", "{'a\\u0000b': 'v'}"),
            "invalid_string",
            "metadata[a\u0000b]"));
  }

  /**
   * Jackson's byte parser refuses a field name holding an escaped surrogate pair ("Illegal
   * surrogate character"), valid JSON that its text parser reads; Schemathesis sent one.
   */
  @Test
  void acceptsAMetadataKeyBeyondTheBasicPlaneWrittenAsAnEscapedPair() {
    CreatePaymentRequest escaped = parse(with("metadata", "{'\\ud83d\\udcb8 tip': '\\ud83d\\udcb8'}"));
    CreatePaymentRequest raw = parse(with("metadata", "{'\ud83d\udcb8 tip': 'x'}"));

    assertThat(escaped.metadata()).containsExactly(Map.entry("\ud83d\udcb8 tip", "\ud83d\udcb8"));
    assertThat(raw.metadata()).containsOnlyKeys("\ud83d\udcb8 tip");
    // Parsed as text now: a leading byte order mark is still ignored, as the byte parser did.
    assertThat(parse("\uFEFF" + with("metadata", "{'a': 'b'}")).metadata()).containsOnlyKeys("a");
  }

  @Test
  void refusesBytesThatAreNotUtf8() {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};

    assertThat(refuse(body).code()).isEqualTo("invalid_json");
    assertThat(refuse(null).code()).isEqualTo("invalid_json");
  }

  @Test
  void saysWhereTheJsonBreaksWithoutQuotingTheBody() {
    ApiException error = refuse("{\"paymentMethod\": pm_secret_token}".getBytes(UTF_8));

    assertThat(error.getMessage())
        .contains("not valid JSON", "line 1, column 19")
        .doesNotContain("secret");
  }

  @Test
  void neverQuotesACardNumberBack() {
    ApiException error = refuse(with("paymentMethod", "'4242 4242 4242 4242'").getBytes(UTF_8));

    assertThat(error.getMessage()).contains("token").doesNotContain("4242");
  }

  @Test
  void namesTheAllowedFieldsAndTheMaximum() {
    assertThat(refuse(with("foo", "1").getBytes(UTF_8)).getMessage())
        .isEqualTo(
            "Unknown field 'foo'. Allowed fields: amount, currency, paymentMethod, description,"
                + " metadata.");
    assertThat(refuse(with("amount", "100000000").getBytes(UTF_8)).getMessage())
        .contains("at most 99999999");
  }

  @Test
  void quotesAnUnknownCurrencyCutTo20Characters() {
    ApiException error = refuse(with("currency", "'" + "Z".repeat(30) + "'").getBytes(UTF_8));

    assertThat(error.getMessage())
        .contains("'" + "Z".repeat(20) + "…'")
        .doesNotContain("Z".repeat(21));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fieldNamesLikeCardNumbers")
  void neverEchoesAFieldNameThatLooksLikeACardNumber(String name, String body, String param) {
    ApiException error = refuse(body.getBytes(UTF_8));

    assertThat(error.code()).isEqualTo("card_number_not_allowed");
    assertThat(error.param()).isEqualTo(param);
    assertThat(error.getMessage()).contains("card number").doesNotContain("4444", "4242");
  }

  static Stream<Arguments> fieldNamesLikeCardNumbers() {
    return Stream.of(
        Arguments.of("unknown field", with("4242424242424242", "1"), null),
        Arguments.of(
            "unknown field twice", json("{'4242424242424242': 1, '4242424242424242': 2}"), null),
        Arguments.of(
            "metadata key twice",
            with("metadata", "{'5555555555554444': 'a', '5555555555554444': 'b'}"),
            "metadata"),
        Arguments.of(
            "metadata key with a value not a string",
            with("metadata", "{'5555555555554444': 1}"),
            "metadata"));
  }

  @Test
  void refusesAMaximumBelowOne() {
    assertThatThrownBy(() -> new PaymentRules.Limits(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private CreatePaymentRequest parse(String body) {
    return accept(body.getBytes(UTF_8));
  }

  /** The request, read and checked as the resource receives it, or the API's refusal. */
  private static CreatePaymentRequest accept(byte[] body) {
    CreatePaymentRequest request = PaymentRequestReader.read(body);
    Set<ConstraintViolation<CreatePaymentRequest>> violations = VALIDATOR.validate(request);
    if (!violations.isEmpty()) {
      throw ConstraintViolationMapper.toApiException(violations);
    }
    return request;
  }

  private ApiException refuse(byte[] body) {
    ApiException error = catchThrowableOfType(ApiException.class, () -> accept(body));
    assertThat(error).as("the body should have been refused").isNotNull();
    return error;
  }

  private static Arguments bad(String name, String body, String code, String param) {
    return Arguments.of(name, body, code, param);
  }

  private static Map<String, String> minimalFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("amount", "1999");
    fields.put("currency", "'eur'");
    fields.put("paymentMethod", "'pm_card_visa'");
    return fields;
  }

  private static String minimal() {
    return body(minimalFields());
  }

  /** The minimal body with fields replaced or added: name, raw JSON value, name, value, …. */
  private static String with(String... namesAndValues) {
    Map<String, String> fields = minimalFields();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return body(fields);
  }

  private static String without(String name) {
    Map<String, String> fields = minimalFields();
    fields.remove(name);
    return body(fields);
  }

  private static String body(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(field -> "'" + field.getKey() + "': " + field.getValue())
        .map(PaymentRequestContractTest::json)
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String metadataWithKeys(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "'k" + i + "': 'v'")
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** Test bodies are written with single quotes for readability. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }
}
