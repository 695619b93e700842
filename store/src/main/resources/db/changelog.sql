--liquibase formatted sql

--changeset durapay:001-merchants
CREATE TABLE merchants (
  id                   text        PRIMARY KEY,
  name                 text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The API key is "<api_key_id>.<secret>"; only the SHA-256 of the secret is kept.
  api_key_id           text        NOT NULL UNIQUE,
  api_key_hash         bytea       NOT NULL,
  webhook_url          text,
  -- Needed in clear to sign webhooks; never logged, never put in a workflow input.
  webhook_secret       text        NOT NULL,
  webhook_disabled_at  timestamptz,
  max_amount           bigint      CHECK (max_amount IS NULL OR max_amount > 0),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

--changeset durapay:002-payments
CREATE TABLE payments (
  id                 text        PRIMARY KEY,
  merchant_id        text        NOT NULL REFERENCES merchants (id),
  amount             bigint      NOT NULL CHECK (amount > 0),
  currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  payment_method     text        NOT NULL,
  description        text,
  metadata           jsonb       NOT NULL DEFAULT '{}'::jsonb,
  status             text        NOT NULL
                       CHECK (status IN ('initiated', 'processing', 'completed', 'failed', 'cancelled')),
  failure_code       text,
  failure_message    text,
  gateway_reference  text,
  correlation_id     text        NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
-- Listing is per merchant, newest first, with the payment id as cursor (ids sort by time).
CREATE INDEX payments_merchant_id_idx ON payments (merchant_id, id DESC);
CREATE INDEX payments_merchant_status_id_idx ON payments (merchant_id, status, id DESC);
-- The reconciler looks for payments stuck in a status.
CREATE INDEX payments_status_updated_at_idx ON payments (status, updated_at);

CREATE TABLE payment_status_history (
  id               bigserial   PRIMARY KEY,
  payment_id       text        NOT NULL REFERENCES payments (id),
  from_status      text,
  to_status        text        NOT NULL,
  cause            text,
  workflow_run_id  text,
  changed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_status_history_payment_idx ON payment_status_history (payment_id, id);

--changeset durapay:003-forward-only-status splitStatements:false
-- The last line of defence: whatever code runs, a payment's status only moves forward.
CREATE FUNCTION payments_forward_only_status() RETURNS trigger AS $$
BEGIN
  IF NEW.status = OLD.status THEN
    RETURN NEW;
  END IF;
  IF (OLD.status = 'initiated' AND NEW.status IN ('processing', 'failed', 'cancelled'))
     OR (OLD.status = 'processing' AND NEW.status IN ('completed', 'failed', 'cancelled')) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'illegal payment status transition % -> % for payment %', OLD.status, NEW.status, OLD.id
    USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_forward_only_status
  BEFORE UPDATE OF status ON payments
  FOR EACH ROW EXECUTE FUNCTION payments_forward_only_status();

--changeset durapay:004-idempotency
CREATE TABLE idempotency_records (
  merchant_id      text        NOT NULL REFERENCES merchants (id),
  idempotency_key  text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_hash     text        NOT NULL,
  response_status  integer     NOT NULL,
  response_body    text        NOT NULL,
  payment_id       text        REFERENCES payments (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, idempotency_key)
);
CREATE INDEX idempotency_records_expires_at_idx ON idempotency_records (expires_at);

--changeset durapay:005-outbox
CREATE TABLE outbox (
  id              bigserial   PRIMARY KEY,
  event_id        text        NOT NULL UNIQUE,
  event_type      text        NOT NULL,
  aggregate_id    text        NOT NULL,
  correlation_id  text,
  -- The envelope exactly as it is published.
  payload         text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz,
  attempts        integer     NOT NULL DEFAULT 0,
  last_error      text
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL;

--changeset durapay:006-webhook-deliveries
-- One row per delivery attempt of a webhook; the merchant deduplicates on event_id.
CREATE TABLE webhook_deliveries (
  id            bigserial   PRIMARY KEY,
  event_id      text        NOT NULL,
  payment_id    text        NOT NULL REFERENCES payments (id),
  merchant_id   text        NOT NULL REFERENCES merchants (id),
  event_type    text        NOT NULL,
  attempt       integer     NOT NULL CHECK (attempt >= 1),
  url           text,
  status_code   integer,
  -- delivered | retrying | rejected | refused | gone | undeliverable | skipped
  outcome       text        NOT NULL,
  error         text,
  attempted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id, id);
CREATE INDEX webhook_deliveries_payment_idx ON webhook_deliveries (payment_id, id);

--changeset durapay:007-payment-worker
-- Which task queue (route) and worker build last moved each payment: blue/green rollouts show here.
ALTER TABLE payments ADD COLUMN task_queue text;
ALTER TABLE payments ADD COLUMN worker_build text;
ALTER TABLE payment_status_history ADD COLUMN worker_build text;

--changeset durapay:008-payments-created-at
-- The replay gate and operators list recent payments by creation time.
CREATE INDEX payments_created_at_idx ON payments (created_at DESC);

--changeset durapay:009-outbox-pending-by-attempts
-- The relay takes the least-tried events first (see OutboxDao.lockPending).
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (attempts, id) WHERE published_at IS NULL;

--changeset durapay:010-outbox-parked
-- An event the destination keeps refusing is parked after outbox.maxAttempts: kept for an
-- operator (see the requeue-parked-outbox-events admin task), no longer tried.
ALTER TABLE outbox ADD COLUMN parked_at timestamptz;
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (attempts, id) WHERE published_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_parked_idx ON outbox (id) WHERE parked_at IS NOT NULL;
-- The reconciler looks up a payment's events.
CREATE INDEX outbox_aggregate_id_idx ON outbox (aggregate_id, id);

--changeset durapay:011-outbox-refusals
-- attempts also counts outages; only refusals of the event itself count toward parking.
ALTER TABLE outbox ADD COLUMN refusals integer NOT NULL DEFAULT 0;

--changeset durapay:012-operator-console
-- An operator's login to the console. Only the SHA-256 of the session token (the cookie) is kept;
-- the CSRF token every form of the session carries is kept in clear (it is no credential alone).
CREATE TABLE operator_sessions (
  token_hash   bytea       PRIMARY KEY,
  operator     text        NOT NULL,
  csrf_token   text        NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX operator_sessions_expires_at_idx ON operator_sessions (expires_at);

-- What operators did, from the console or an admin task: who, when, what, on what, and how it ended.
CREATE TABLE operator_actions (
  id         bigserial   PRIMARY KEY,
  operator   text        NOT NULL,
  action     text        NOT NULL,
  target     text,
  outcome    text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operator_actions_target_idx ON operator_actions (target, id);

--changeset durapay:013-webhook-redeliveries
-- An operator's request to send a payment event's webhook again, under its original webhook-id.
-- The workers' sweep (WebhookRedeliveries) takes a due request by pushing next_attempt_at a lease
-- ahead, sends, and finishes it or schedules the next try. One open request per event at a time.
CREATE TABLE webhook_redeliveries (
  id               bigserial   PRIMARY KEY,
  event_id         text        NOT NULL,
  payment_id       text        NOT NULL REFERENCES payments (id),
  event_type       text        NOT NULL,
  requested_by     text        NOT NULL,
  requested_at     timestamptz NOT NULL DEFAULT now(),
  tries            integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  -- delivered | gone | rejected | refused | undeliverable | skipped
  outcome          text
);
CREATE UNIQUE INDEX webhook_redeliveries_open_idx ON webhook_redeliveries (event_id) WHERE finished_at IS NULL;
CREATE INDEX webhook_redeliveries_due_idx ON webhook_redeliveries (next_attempt_at) WHERE finished_at IS NULL;
CREATE INDEX webhook_redeliveries_payment_idx ON webhook_redeliveries (payment_id, id);

--changeset durapay:014-operator-accounts
-- Operator accounts added by an operator (the add-operator task), beside those in configuration.
-- Only the password's PBKDF2 hash is kept. A removed account is kept, with who removed it.
CREATE TABLE operator_accounts (
  name           text        PRIMARY KEY,
  password_hash  text        NOT NULL,
  added_by       text        NOT NULL,
  added_at       timestamptz NOT NULL DEFAULT now(),
  removed_by     text,
  removed_at     timestamptz
);

--changeset durapay:015-replay-gate-runs
-- What the replay gate found for a worker build: how many histories it replayed and whether all did.
CREATE TABLE replay_gate_runs (
  id            bigserial   PRIMARY KEY,
  build         text        NOT NULL,
  histories     integer     NOT NULL,
  failures      integer     NOT NULL,
  passed        boolean     NOT NULL,
  detail        text,
  ran_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX replay_gate_runs_build_idx ON replay_gate_runs (build, id DESC);

--changeset durapay:016-webhook-secret-overlap
-- A rotated webhook secret goes on signing beside the new one until previous_webhook_secret_until,
-- so a merchant can deploy the new secret while every delivery still verifies with the old.
ALTER TABLE merchants ADD COLUMN previous_webhook_secret text;
ALTER TABLE merchants ADD COLUMN previous_webhook_secret_until timestamptz;

--changeset durapay:017-merchant-events
-- GET /v1/events reads a merchant's webhook events, newest first, from their delivery attempts.
CREATE INDEX webhook_deliveries_merchant_idx ON webhook_deliveries (merchant_id, attempted_at);

--changeset durapay:018-rate-limit-buckets
-- Each API key's token bucket, shared by every API instance (SharedTokenBuckets): its tokens when
-- last refilled, and how many the last take granted.
CREATE TABLE rate_limit_buckets (
  key          text             PRIMARY KEY,
  tokens       double precision NOT NULL,
  granted      integer          NOT NULL,
  refilled_at  timestamptz      NOT NULL
);

--changeset durapay:019-webhook-redelivery-waiting
-- A re-delivery whose last try failed and whose next one waits has waiting = true (set by the take
-- that recorded the failure, cleared by the next take). A merchant's enable and an operator's
-- re-delivery bring forward only those and ones never taken: never one a worker holds, whatever
-- build the worker is (an older build's takes do not set the flag). A constant default: adding
-- it rewrites no row.
ALTER TABLE webhook_redeliveries ADD COLUMN waiting boolean NOT NULL DEFAULT false;
