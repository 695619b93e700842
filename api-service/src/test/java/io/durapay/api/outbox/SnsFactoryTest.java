package io.durapay.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 20, item 15: a malformed topic ARN is refused when the configuration is read, naming the
 * field, instead of turning every publish into an InvalidParameter. (The previous factory accepted
 * any non-blank text: the test failed on it.)
 */
class SnsFactoryTest {
  private final Validator validator = Validators.newValidator();

  @ParameterizedTest
  @ValueSource(strings = {
      "payment-events", "arn:aws:sns:us-east-1:payment-events", "arn:aws:sqs:us-east-1:000000000000:payment-events",
      "arn:aws:sns:us-east-1:000000000000:payment events", " arn:aws:sns:us-east-1:000000000000:payment-events"})
  void aMalformedTopicArnIsRefusedAtStartUp(String arn) {
    SnsFactory factory = new SnsFactory();
    factory.setTopicArn(arn);

    Set<ConstraintViolation<SnsFactory>> violations = validator.validate(factory);

    assertThat(violations).extracting(v -> v.getPropertyPath().toString()).contains("topicArn");
    assertThat(violations).extracting(ConstraintViolation::getMessage)
        .anyMatch(m -> m.contains("must be an SNS topic ARN"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "arn:aws:sns:us-east-1:000000000000:payment-events", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:events.fifo",
      "arn:aws-cn:sns:cn-north-1:123456789012:payments_2"})
  void aWellFormedTopicArnIsAccepted(String arn) {
    SnsFactory factory = new SnsFactory();
    factory.setTopicArn(arn);

    assertThat(validator.validate(factory)).isEmpty();
  }
}
