package io.durapay.api.errors;

import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.ConstraintViolation;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;
import org.hibernate.validator.engine.HibernateConstraintViolation;

/**
 * What a constraint of durapay's own found wrong with one field, as the API reports it: the code,
 * the message and the {@code param}. It travels as the violation's dynamic payload, so the message
 * is never run through Bean Validation's template interpolation (a quoted input holding
 * {@code ${…}} stays text).
 */
public record FieldFault(String code, String message, String param) {
  // A constant template: the message the caller reads is the fault's, not the template's.
  private static final String TEMPLATE = "durapay field fault";

  /** Reports the fault as the one violation of the constraint; returns false, for the validator. */
  public static boolean report(
      ConstraintValidatorContext context, String code, String message, String param) {
    context.disableDefaultConstraintViolation();
    context.unwrap(HibernateConstraintValidatorContext.class)
        .withDynamicPayload(new FieldFault(code, message, param))
        .buildConstraintViolationWithTemplate(TEMPLATE)
        .addConstraintViolation();
    return false;
  }

  /** The object the validator factory was configured with for the validators, of this type. */
  public static <T> T payload(ConstraintValidatorContext context, Class<T> type) {
    T payload =
        context.unwrap(HibernateConstraintValidatorContext.class).getConstraintValidatorPayload(type);
    if (payload == null) {
      throw new IllegalStateException("the validator factory has no " + type.getSimpleName());
    }
    return payload;
  }

  /** The fault a violation carries, or null when it came from a standard constraint. */
  static FieldFault of(ConstraintViolation<?> violation) {
    try {
      HibernateConstraintViolation<?> hibernate = violation.unwrap(HibernateConstraintViolation.class);
      return hibernate.getDynamicPayload(FieldFault.class);
    } catch (RuntimeException notHibernate) {
      return null;
    }
  }
}
