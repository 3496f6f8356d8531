-- The Idempotency-Key table serves every state-changing merchant POST (create, add stock), not only create.
ALTER TABLE ma_create_requests RENAME TO ma_merchant_requests;
