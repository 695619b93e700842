-- The API's ingest transaction (PaymentInitiator.initiate), statement for statement: the key's
-- lookup (once per key and period in the API: the key is remembered), key lock, idempotency
-- look-up, the payment with its first status returned in one statement, then the outbox row and
-- the idempotency record in one statement. The JSON bodies are replaced by text of their size
-- (pgbench would read their colons as variables).
\set amount random(1, 99999)
BEGIN;
SELECT pg_try_advisory_xact_lock(hashtextextended(CAST(:merchant AS text) || '/' || 'k-' || :client_id || '-' || txid_current(), 0));
SELECT * FROM idempotency_records WHERE merchant_id = CAST(:merchant AS text) AND idempotency_key = 'k-' || :client_id || '-' || txid_current() AND expires_at > now();
WITH created AS (
  INSERT INTO payments (id, merchant_id, amount, currency, payment_method, description, metadata, status, correlation_id)
  VALUES ('pay_pgb_' || :client_id || '_' || txid_current(), CAST(:merchant AS text), :amount, 'EUR', 'pm_card_visa', NULL, CAST('{}' AS jsonb), 'initiated', 'corr-' || txid_current())
  RETURNING *),
first_status AS (
  INSERT INTO payment_status_history (payment_id, from_status, to_status, cause)
  SELECT id, NULL, status, 'payment created' FROM created)
SELECT * FROM created;
WITH queued AS (
  INSERT INTO outbox (event_id, event_type, aggregate_id, correlation_id, payload)
  VALUES ('evt_pgb_' || txid_current(), 'payment.initiated', 'pay_pgb_' || :client_id || '_' || txid_current(), 'corr-' || txid_current(),
          repeat('x', 420)))
INSERT INTO idempotency_records (merchant_id, idempotency_key, request_hash, response_status, response_body, payment_id, expires_at)
  VALUES (CAST(:merchant AS text), 'k-' || :client_id || '-' || txid_current(), 'f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', 201,
          repeat('y', 330),
          'pay_pgb_' || :client_id || '_' || txid_current(), now() + 86400000 * interval '1 millisecond');
COMMIT;
