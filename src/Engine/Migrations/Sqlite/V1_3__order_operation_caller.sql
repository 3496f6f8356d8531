-- Who did each order operation (the service identity, the token subject): an order answers only to the service that locked it
-- (and its trusted group). NULL on rows from before: anyone, as then.
ALTER TABLE en_order_operations ADD COLUMN caller TEXT NULL;
