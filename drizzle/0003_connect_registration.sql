ALTER TABLE "integrated_accounts" ADD COLUMN "events_mode" text DEFAULT 'polling' NOT NULL;--> statement-breakpoint
ALTER TABLE "integrated_accounts" ADD COLUMN "events_reason" text;--> statement-breakpoint
ALTER TABLE "integrated_accounts" ADD COLUMN "connect_configurations" jsonb DEFAULT '[]'::jsonb NOT NULL;