package io.durapay.bridge;

import io.durapay.contracts.TemporalConnection;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;

/**
 * A connection whose calls give up after about {@code rpcTimeout}. The SDK's defaults retry an
 * unreachable server for a minute (and spend up to 5 s more asking it for its capabilities); in a
 * Lambda that would burn the whole invocation. Failing fast reports the message as a batch item
 * failure instead, and SQS redelivers it after the visibility timeout: that is the retry.
 */
final class FailFastTemporalConnection extends TemporalConnection {
  private final Duration rpcTimeout;

  FailFastTemporalConnection(Duration rpcTimeout) {
    this.rpcTimeout = rpcTimeout;
  }

  @Override
  protected void customize(WorkflowServiceStubsOptions.Builder options) {
    // The rpc timeout bounds one attempt, the retry expiration all attempts together, and the
    // other two the server-capabilities call that precedes the first start on a new channel.
    options
        .setRpcTimeout(rpcTimeout)
        .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(rpcTimeout).build())
        .setHealthCheckAttemptTimeout(rpcTimeout)
        .setSystemInfoTimeout(rpcTimeout);
  }
}
