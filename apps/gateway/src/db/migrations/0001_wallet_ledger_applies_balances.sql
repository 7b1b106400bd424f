-- A wallet's balance only moves through its ledger: each ledger row applies itself to the wallet,
-- so the ledger always sums to the balance, and the balance CHECK (>= 0) refuses any overdraft,
-- rolling back the whole D1 batch that tried it.
CREATE TRIGGER wallet_ledger_apply AFTER INSERT ON wallet_ledger
BEGIN
  SELECT RAISE(ABORT, 'NO_WALLET')
  WHERE NOT EXISTS (SELECT 1 FROM wallets WHERE merchant_id = NEW.merchant_id AND type = NEW.wallet_type);
  UPDATE wallets
  SET balance_micros = balance_micros + NEW.amount_micros, updated_at = NEW.created_at
  WHERE merchant_id = NEW.merchant_id AND type = NEW.wallet_type;
END;
--> statement-breakpoint
CREATE TRIGGER wallet_ledger_no_update BEFORE UPDATE ON wallet_ledger
BEGIN
  SELECT RAISE(ABORT, 'wallet_ledger is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER wallet_ledger_no_delete BEFORE DELETE ON wallet_ledger
BEGIN
  SELECT RAISE(ABORT, 'wallet_ledger is append-only');
END;
