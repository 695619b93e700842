package io.durapay.worker.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.temporal.common.VersioningBehavior;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Worker Versioning: whether this worker runs as a version of a Worker Deployment, which one, and
 * how its workflows behave when the deployment's current version changes. Off by default: the
 * task-queue rollout (docs/ROLLOUT.md) works on any server and needs none of it.
 *
 * <p>The default behaviour is PINNED. A payment's workflow finishes in seconds, but a refund may
 * retry for days, and a pinned workflow never changes code under it: a rollback leaves every
 * workflow on the build that started it, so none is ever sent to code that cannot replay its
 * history. AUTO_UPGRADE (selectable here) lets blue retire sooner, because v1 workflows move to
 * v2 at their next task; that is safe forward only because v2's {@code getVersion} patches replay
 * every v1 history (the committed replay tests), and a rollback must first pin the workflows that
 * ran on v2 to v2 (ci/rollout does).
 */
public class VersioningFactory {
  private boolean enabled;

  @NotBlank private String deploymentName = "durapay-payments";

  @NotNull private VersioningBehavior defaultBehavior = VersioningBehavior.PINNED;

  @JsonProperty
  public boolean isEnabled() {
    return enabled;
  }

  @JsonProperty
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @JsonProperty
  public String getDeploymentName() {
    return deploymentName;
  }

  @JsonProperty
  public void setDeploymentName(String deploymentName) {
    this.deploymentName = deploymentName;
  }

  @JsonProperty
  public VersioningBehavior getDefaultBehavior() {
    return defaultBehavior;
  }

  @JsonProperty
  public void setDefaultBehavior(VersioningBehavior defaultBehavior) {
    this.defaultBehavior = defaultBehavior;
  }
}
