package io.durapay.api.payments;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.durapay.api.errors.FieldFault;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules of {@link CreatePaymentRequest} that Jackson's types cannot say: Bean Validation
 * constraints of durapay's own. Each reports at most one {@link FieldFault} per field (the first,
 * in the order written here), with the code and message the API documents.
 *
 * <p>Values the caller sent are quoted back only where they cannot be a secret, and cut short.
 *
 * <p>Long because each rule is an annotation and its validator, and the five are kept in one file
 * so the whole contract reads as one list.
 */
public final class PaymentRules {
  /** The configured limits, handed to the validators by the validator factory. */
  public record Limits(long maxAmount) {
    public Limits {
      if (maxAmount < 1) {
        throw new IllegalArgumentException("maxAmount must be at least 1, was " + maxAmount);
      }
    }
  }

  static final int MAX_DESCRIPTION_LENGTH = 1000;
  static final int MAX_METADATA_KEYS = 50;
  static final int MAX_METADATA_KEY_LENGTH = 40;
  static final int MAX_METADATA_VALUE_LENGTH = 500;

  private static final Pattern TOKEN = Pattern.compile("pm_[A-Za-z0-9_]{1,100}");
  // Card numbers have 12 to 19 digits, often grouped by spaces or dashes; any of them contains a
  // run of twelve. A gateway token never has that many digits in a row.
  private static final Pattern CARD_NUMBER = Pattern.compile("\\d(?:[ _-]?\\d){11}");
  // Values quoted back in messages are cut short so an error never carries a large input.
  private static final int ECHO_LIMIT = 20;

  private PaymentRules() {}

  /** At least 1 and at most the configured maximum, in minor units. */
  @Target({FIELD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = AmountRule.class)
  public @interface Amount {
    String message() default "amount";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** A circulating ISO 4217 code in any letter case; see {@link Currencies}. */
  @Target({FIELD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = CurrencyRule.class)
  public @interface Currency {
    String message() default "currency";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** A gateway token ({@code pm_…}), never a card number. */
  @Target({FIELD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = TokenRule.class)
  public @interface PaymentMethodToken {
    String message() default "paymentMethod";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** Storable text of at most 1000 code points without a card number in it. */
  @Target({FIELD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = DescriptionRule.class)
  public @interface Description {
    String message() default "description";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** At most 50 pairs; keys of 1 to 40 code points, values up to 500; no card numbers. */
  @Target({FIELD, PARAMETER})
  @Retention(RUNTIME)
  @Constraint(validatedBy = MetadataRule.class)
  public @interface Metadata {
    String message() default "metadata";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  public static final class AmountRule implements ConstraintValidator<Amount, BigInteger> {
    @Override
    public boolean isValid(BigInteger amount, ConstraintValidatorContext context) {
      if (amount == null) {
        return true;
      }
      long max = FieldFault.payload(context, Limits.class).maxAmount();
      if (amount.signum() < 1) {
        return FieldFault.report(context, "amount_too_small",
            "amount must be at least 1 (in minor units, such as cents).", "amount");
      }
      if (amount.compareTo(BigInteger.valueOf(max)) > 0) {
        return FieldFault.report(context, "amount_too_large",
            "amount must be at most " + max + " (in minor units, such as cents).", "amount");
      }
      return true;
    }
  }

  public static final class CurrencyRule implements ConstraintValidator<Currency, String> {
    @Override
    public boolean isValid(String code, ConstraintValidatorContext context) {
      if (code == null || !storable(code, "currency", "currency", context)) {
        return code == null;
      }
      if (Currencies.isCirculating(code)) {
        return true;
      }
      return FieldFault.report(context, "invalid_currency",
          "currency " + quote(code)
              + " is not a circulating ISO 4217 currency code; send one such as USD.",
          "currency");
    }
  }

  // The value is never quoted back: it may hold a card number, which must not reach a log.
  public static final class TokenRule implements ConstraintValidator<PaymentMethodToken, String> {
    @Override
    public boolean isValid(String token, ConstraintValidatorContext context) {
      if (token == null || !storable(token, "paymentMethod", "paymentMethod", context)) {
        return token == null;
      }
      if (CARD_NUMBER.matcher(token).find()) {
        return FieldFault.report(context, "card_number_not_allowed",
            "paymentMethod looks like a card number. Never send card numbers to this API; send the"
                + " payment method token your gateway gave you (pm_...).",
            "paymentMethod");
      }
      if (!TOKEN.matcher(token).matches()) {
        return FieldFault.report(context, "invalid_payment_method",
            "paymentMethod must be a gateway token: 'pm_' followed by 1 to 100 letters, digits or"
                + " underscores.",
            "paymentMethod");
      }
      return true;
    }
  }

  public static final class DescriptionRule implements ConstraintValidator<Description, String> {
    @Override
    public boolean isValid(String description, ConstraintValidatorContext context) {
      return description == null
          || storable(description, "description", "description", context)
              && shortEnough(description, MAX_DESCRIPTION_LENGTH, "string_too_long", "description",
                  "description", context)
              && noCardNumber(description, "description", "description", context);
    }
  }

  public static final class MetadataRule implements ConstraintValidator<Metadata, Map<String, String>> {
    @Override
    public boolean isValid(Map<String, String> metadata, ConstraintValidatorContext context) {
      if (metadata == null) {
        return true;
      }
      if (metadata.size() > MAX_METADATA_KEYS) {
        return FieldFault.report(context, "too_many_metadata_keys",
            "metadata may have at most " + MAX_METADATA_KEYS + " keys; it has " + metadata.size()
                + ".",
            "metadata");
      }
      for (Map.Entry<String, String> entry : metadata.entrySet()) {
        if (!validEntry(entry.getKey(), entry.getValue(), context)) {
          return false;
        }
      }
      return true;
    }

    private static boolean validEntry(String key, String value, ConstraintValidatorContext context) {
      // Checked before the key is echoed anywhere: the error names the field without it.
      if (!noCardNumber(key, "a metadata key", "metadata", context)) {
        return false;
      }
      String param = metadataParam(key);
      if (key.isEmpty()) {
        return FieldFault.report(context, "invalid_metadata_key",
            "metadata keys must not be empty.", param);
      }
      return storable(key, "the metadata key", param, context)
          && shortEnough(key, MAX_METADATA_KEY_LENGTH, "metadata_key_too_long", "the metadata key",
              param, context)
          && storable(value, param, param, context)
          && shortEnough(value, MAX_METADATA_VALUE_LENGTH, "metadata_value_too_long", param, param,
              context)
          && noCardNumber(value, param, param, context);
    }
  }

  /** A metadata value as a param: {@code metadata[key]}, a long key cut short. */
  static String metadataParam(String key) {
    return "metadata[" + abbreviate(key, MAX_METADATA_KEY_LENGTH) + "]";
  }

  // PostgreSQL text cannot hold NUL, and an unpaired surrogate has no UTF-8 form, so it would be
  // altered or refused on its way to the database. Refusing both here keeps what is stored
  // identical to what was accepted.
  private static boolean storable(
      String value, String subject, String param, ConstraintValidatorContext context) {
    if (value.indexOf('\0') >= 0) {
      return FieldFault.report(context, "invalid_string",
          subject + " must not contain the NUL character (\\u0000).", param);
    }
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(value)) {
      return FieldFault.report(context, "invalid_string",
          subject + " contains a broken Unicode character (an unpaired surrogate).", param);
    }
    return true;
  }

  // Lengths count code points, so an emoji is one character as a person would count it.
  private static boolean shortEnough(String value, int max, String code, String subject,
      String param, ConstraintValidatorContext context) {
    int length = value.codePointCount(0, value.length());
    if (length > max) {
      return FieldFault.report(context, code,
          subject + " must be at most " + max + " characters long; it has " + length + ".", param);
    }
    return true;
  }

  // Free text may hold digits (order numbers, phone numbers), so only what passes for a card
  // number there is refused; the value is never quoted back.
  private static boolean noCardNumber(
      String text, String subject, String param, ConstraintValidatorContext context) {
    if (CardNumbers.containsCardNumber(text)) {
      return FieldFault.report(context, "card_number_not_allowed",
          subject + " looks like it contains a card number. Never send card numbers to this API,"
              + " not even in descriptions or metadata.",
          param);
    }
    return true;
  }

  static String quote(String value) {
    return "'" + abbreviate(value, ECHO_LIMIT) + "'";
  }

  static String abbreviate(String value, int maxCodePoints) {
    if (value.codePointCount(0, value.length()) <= maxCodePoints) {
      return value;
    }
    return value.substring(0, value.offsetByCodePoints(0, maxCodePoints)) + "…";
  }
}
