package io.durapay.api.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TemporalClientFactoryTest {

  @Test
  void everyCallOfARequestIsBoundByTheConfiguredDeadlineIncludingTheCapabilitiesCall() {
    TemporalClientFactory factory = new TemporalClientFactory();
    factory.setQueryTimeoutMillis(700);
    WorkflowServiceStubsOptions.Builder builder = WorkflowServiceStubsOptions.newBuilder();

    factory.customize(builder);
    WorkflowServiceStubsOptions options = builder.validateAndBuildWithDefaults();

    Duration deadline = Duration.ofMillis(700);
    assertThat(options.getRpcTimeout()).isEqualTo(deadline);
    assertThat(options.getRpcQueryTimeout()).isEqualTo(deadline);
    // Without these a cancel or a timeline asked while Temporal is unreachable took 5 s, whatever
    // the deadline: the SDK asks for the server's capabilities before the first call.
    assertThat(options.getSystemInfoTimeout()).isEqualTo(deadline);
    assertThat(options.getHealthCheckAttemptTimeout()).isEqualTo(deadline);
  }
}
